import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import type { Signal } from "../src/domain/types.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { makeDiagnosis } from "./helpers/incident.js";

const NOW = Date.parse("2026-11-26T10:00:00Z");
const TOKEN = "0123456789abcdef-feedback";

const signal = (code: string): Signal => ({
  fingerprint: `${code}:server::x`,
  errorCode: code,
  target: "server::x",
  level: "ERROR",
  message: "boom",
  timestampMs: NOW - 1000,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
});

let dir: string;
let store: Store;
let diagnosed: string;
let undiagnosed: string;
let clock = NOW;

/** The app with a webhook token, as a production install has. */
function app() {
  const config = configSchema.parse({ webhook: { token: TOKEN } });
  const metrics = createMetrics();
  const now = () => clock;
  const intake = createIntake({
    store,
    policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
    metrics,
    now,
    wake: () => {},
  });
  return createApp({ intake, store, config, log: silentLogger(), metrics, now });
}

const post = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  app().request(`/api/incidents/${id}/feedback`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (url: string) => app().request(url, { headers: { authorization: `Bearer ${TOKEN}` } });

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-feedback-api-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
  clock = NOW;
  const outcomes = await store.ingest([signal("A_1"), signal("B_2")], {
    windowMs: 300_000,
    maxAgeMs: 3_600_000,
    now: NOW,
  });
  const [first, second] = outcomes.map((o) => (o.kind === "new" ? o.incidentId : ""));
  diagnosed = first!;
  undiagnosed = second!;
  await store.saveDiagnosis(diagnosed, makeDiagnosis());
});

afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("POST /api/incidents/:id/feedback", () => {
  it("stores the verdict, answers it, and the incident API shows it", async () => {
    const res = await post(diagnosed, { verdict: "wrong", note: "it was the cache", by: "alice" });
    expect(res.status).toBe(200);
    const stored = {
      reviewer: "alice",
      verdict: "wrong",
      note: "it was the cache",
      at: "2026-11-26T10:00:00.000Z",
    };
    expect(await res.json()).toEqual(stored);
    expect((await (await get(`/api/incidents/${diagnosed}`)).json()).feedback).toEqual([stored]);

    clock = NOW + 60_000;
    await post(diagnosed, { verdict: "correct", by: "alice" });
    await post(diagnosed, { verdict: "partial" });
    const list = await (await get("/api/incidents")).json();
    const byId = new Map(list.incidents.map((i: { id: string; feedback: unknown[] }) => [i.id, i.feedback]));
    expect(byId.get(diagnosed)).toEqual([
      { reviewer: "alice", verdict: "correct", note: null, at: "2026-11-26T10:01:00.000Z" },
      { reviewer: "anonymous", verdict: "partial", note: null, at: "2026-11-26T10:01:00.000Z" },
    ]);
    expect(byId.get(undiagnosed)).toEqual([]);
  });

  it("needs the bearer token, as the rest of /api does", async () => {
    expect((await post(diagnosed, { verdict: "correct" }, { authorization: "" })).status).toBe(401);
    expect((await post(diagnosed, { verdict: "correct" }, { authorization: "Bearer wrong" })).status).toBe(
      401,
    );
    expect(await store.listDiagnosisFeedback({})).toEqual([]);
  });

  it.each([
    { name: "a missing verdict", body: { note: "x" }, path: "verdict" },
    { name: "an unknown verdict", body: { verdict: "maybe" }, path: "verdict" },
    { name: "a note too long", body: { verdict: "wrong", note: "x".repeat(2001) }, path: "note" },
    { name: "a note with an escape sequence", body: { verdict: "wrong", note: "\u001b[2J" }, path: "note" },
    { name: "a reviewer on two lines", body: { verdict: "wrong", by: "a\nb" }, path: "by" },
    { name: "an unknown field", body: { verdict: "wrong", score: 3 }, path: "" },
  ])("answers 400 naming the path for $name", async ({ body, path: issuePath }) => {
    const res = await post(diagnosed, body);
    expect(res.status).toBe(400);
    expect((await res.json()).issues.map((i: { path: string }) => i.path)).toContain(issuePath);
    expect(await store.listDiagnosisFeedback({})).toEqual([]);
  });

  it("answers 404 for an unknown incident and 409 for one not diagnosed yet", async () => {
    const missing = await post("999999", { verdict: "correct" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "incident not found", id: "999999" });
    expect((await post(undiagnosed, { verdict: "correct" })).status).toBe(409);
  });

  it("refuses what is not JSON", async () => {
    expect((await post(diagnosed, "{not json")).status).toBe(400);
    expect(
      (await post(diagnosed, "verdict=correct", { "content-type": "application/x-www-form-urlencoded" }))
        .status,
    ).toBe(415);
    expect((await post(diagnosed, { verdict: "correct", note: "x".repeat(20_000) })).status).toBe(413);
  });
});
