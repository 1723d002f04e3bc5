import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import type { Signal } from "../domain/types.js";
import { filterInputSchema, toIncidentFilter } from "../http/incident-filter-input.js";
import { silentLogger } from "../log.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import { runIncidents } from "./incidents.js";

const T = Date.parse("2026-11-26T09:15:00Z");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const signal = (code: string, at: number): Signal => ({
  fingerprint: `${code}:server::x`,
  errorCode: code,
  target: "server::x",
  level: "ERROR",
  message: `${code} failed`,
  timestampMs: at,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
});

describe("ai-monitor incidents with filters", () => {
  it("prints only the incidents the flags select, and says so when none match", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ai-monitor-incidents-"));
    dirs.push(dir);
    const sqlitePath = join(dir, "db.sqlite");
    const store = createSqliteStore({ path: sqlitePath });
    await store.init();
    await store.ingest([signal("DB_TIMEOUT", T - 3 * 86_400_000), signal("AI_003", T)], {
      windowMs: 300_000,
      maxAgeMs: 10 * 86_400_000,
      now: T,
    });
    await store.close();
    const config = configSchema.parse({ store: { sqlitePath } });
    const run = async (flags: Record<string, string>, json = false) => {
      let text = "";
      const filter = toIncidentFilter(filterInputSchema.parse(flags), T + 60_000);
      await runIncidents(
        config,
        { json, limit: 20, filter },
        { log: silentLogger(), write: (t) => (text += t) },
      );
      return text;
    };
    const recent = await run({ since: "24h" });
    expect(recent).toContain("AI_003");
    expect(recent).not.toContain("DB_TIMEOUT");
    const byCode = JSON.parse(await run({ code: "DB_TIMEOUT" }, true)) as { errorCode: string }[];
    expect(byCode.map((i) => i.errorCode)).toEqual(["DB_TIMEOUT"]);
    expect(await run({ status: "resolved" })).toBe("no incidents match these filters\n");
  });
});
