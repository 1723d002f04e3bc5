/**
 * The hourly diagnosis limit is for LLM calls, which cost money: catalog diagnoses are free, so past the limit
 * the offline diagnoser still diagnoses every incident, never says "skipped", and takes no hourly token.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/diagnose/catalog.js";
import type { Diagnoser } from "../src/diagnose/diagnoser.js";
import { catalogDiagnosis } from "../src/diagnose/offline.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { codeSignal, wirePipeline } from "./helpers/in-process-pipeline.js";

const T0 = Date.now();
const catalog = await loadCatalog(null);

async function run(ratePerHour: number, diagnoser?: Diagnoser) {
  const store = createSqliteStore({ path: ":memory:" });
  await store.init();
  const { worker, intake } = wirePipeline(
    { store, sinks: [], now: () => T0, catalog, ratePerHour, ...(diagnoser ? { diagnoser } : {}) },
    { owner: "test:1:limit", maxAttempts: 3, concurrency: 1 },
  );
  await intake.ingest(
    Array.from({ length: 12 }, (_, i) => codeSignal(`AI_00${i % 6}`, T0, { target: `t${i}` })),
  );
  await worker.drain();
  const incidents = await store.listIncidents({ limit: 50 });
  await store.close();
  return incidents.map((i) => i.diagnosis!);
}

describe("hourly diagnosis limit", () => {
  it("does not apply to the offline catalog: 12 incidents past a limit of 2, none skipped", async () => {
    const diagnoses = await run(2);
    expect(diagnoses).toHaveLength(12);
    expect(diagnoses.every((d) => d.by === "offline" && d.skippedReason === null)).toBe(true);
  });

  it("still applies to a diagnoser that costs: past the limit, the basic alert says why", async () => {
    let calls = 0;
    const paid: Diagnoser = {
      name: "llm-stand-in",
      async diagnose({ incident }) {
        calls++;
        return { ...catalogDiagnosis(incident, catalog, null), by: "llm-stand-in" };
      },
    };
    const diagnoses = await run(2, paid);
    expect(calls).toBe(2);
    const skipped = diagnoses.filter((d) => d.skippedReason !== null);
    expect(skipped).toHaveLength(10);
    expect(skipped[0]!.skippedReason).toBe(
      "diagnosis skipped: the limit of 2 diagnoses per hour is reached; basic alert only",
    );
  });
});
