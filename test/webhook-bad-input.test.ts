/**
 * The webhooks over real HTTP and a real SQLite store: every malformed request is refused with the right
 * status and stores nothing; the captured Alertmanager and Grafana bodies are accepted exactly once.
 */
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { createApp } from "../src/http/app.js";
import { createMetrics, type Metrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";

const TOKEN = "test-token-0123456789abcdef";
const BODY_LIMIT_BYTES = 64 * 1024;
// The fixtures were captured at 10:01 on this day; "now" is just after.
const NOW = Date.parse("2026-11-26T10:02:00Z");
const AM = "/webhook/alertmanager";
const GRAFANA = "/webhook/grafana";

const fixtureText = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");
const fixture = (name: string) => JSON.parse(fixtureText(name));

let dir: string;
let store: Store;
let server: ServerType;
let baseUrl: string;
/** Set by a test to make the store fail on ingest. */
let storeDown = false;
let metrics: Metrics;
/** What the app logged, one parsed pino line each. */
let logged: Array<Record<string, unknown>>;

beforeEach(async () => {
  storeDown = false;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-webhook-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
  const config = configSchema.parse({ webhook: { token: TOKEN, bodyLimitBytes: BODY_LIMIT_BYTES } });
  metrics = createMetrics();
  logged = [];
  const log = pino({ level: "debug" }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const flaky: Store = {
    ...store,
    ingest: (...args) => (storeDown ? Promise.reject(new Error("disk I/O error")) : store.ingest(...args)),
  };
  const intake = createIntake({
    store: flaky,
    policy: { windowMs: config.dedup.window, maxAgeMs: config.dedup.maxAge },
    metrics,
    now: () => NOW,
    wake: () => {},
  });
  const app = createApp({ intake, store, config, log, metrics, now: () => NOW });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function post(route: string, body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${route}`, {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    // Needed by undici for a streamed (chunked) body.
    duplex: "half",
  } as RequestInit);
}

const postJson = (route: string, value: unknown) => post(route, JSON.stringify(value));
const stored = () => store.listIncidents({ limit: 100 });

async function expectRefused(res: Response, status: number): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await stored()).toEqual([]);
  return (await res.json()) as Record<string, unknown>;
}

describe("webhook bad input: refused, nothing stored", () => {
  it("401 without a token, with WWW-Authenticate: Bearer", async () => {
    const res = await post(AM, fixtureText("alertmanager/firing-ai003.json"), { authorization: "" });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await expectRefused(res, 401)).toEqual({ error: "missing bearer token" });
  });

  it("401 with a wrong token, on both webhooks", async () => {
    for (const route of [AM, GRAFANA]) {
      const res = await post(route, fixtureText("grafana/firing-ai003.json"), {
        authorization: `Bearer ${TOKEN}x`,
      });
      expect(await expectRefused(res, 401)).toEqual({ error: "invalid bearer token" });
    }
  });

  it("415 for a non-JSON content type", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const res = await post(AM, fixtureText("alertmanager/firing-ai003.json"), { "content-type": type });
      expect(await expectRefused(res, 415)).toMatchObject({ error: "content type must be application/json" });
    }
  });

  it("413 over the body limit, with a Content-Length and streamed without one", async () => {
    const big = JSON.stringify({
      ...fixture("alertmanager/firing-ai003.json"),
      pad: "x".repeat(BODY_LIMIT_BYTES),
    });
    expect(await expectRefused(await post(AM, big), 413)).toMatchObject({ error: "payload too large" });
    const chunks = [big.slice(0, 1000), big.slice(1000)].map((part) => new TextEncoder().encode(part));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    await expectRefused(await post(AM, stream), 413);
  });

  it("400 for a body that is not JSON, or empty", async () => {
    expect(await expectRefused(await post(AM, '{"version": "4", "alerts": ['), 400)).toEqual({
      error: "invalid JSON",
    });
    await expectRefused(await post(GRAFANA, ""), 400);
  });

  it("400 naming the path: wrong version, missing alerts, bad startsAt", async () => {
    const good = fixture("alertmanager/firing-ai003.json");
    const cases: Array<[string, unknown, string[]]> = [
      [AM, { ...good, version: "3" }, ["version"]],
      [AM, { ...good, alerts: undefined }, ["alerts"]],
      [AM, { ...good, alerts: [] }, ["alerts"]],
      [AM, { ...good, alerts: [{ ...good.alerts[0], startsAt: "yesterday" }] }, ["alerts.0.startsAt"]],
      [
        AM,
        {
          ...good,
          alerts: [
            { ...good.alerts[0], startsAt: 17, labels: null },
            { ...good.alerts[0], status: "x" },
          ],
        },
        ["alerts.0.labels", "alerts.0.startsAt", "alerts.1.status"],
      ],
      [
        AM,
        { ...good, version: "3", alerts: [{ ...good.alerts[0], startsAt: "x" }] },
        ["alerts.0.startsAt", "version"],
      ],
      [GRAFANA, good, ["version"]],
      [AM, [good], [""]],
    ];
    for (const [route, body, paths] of cases) {
      const answer = await expectRefused(await postJson(route, body), 400);
      expect(answer.error).toBe("invalid payload");
      const issues = answer.issues as Array<{ path: string; message: string }>;
      expect(issues.map((i) => i.path).sort(), JSON.stringify(body).slice(0, 80)).toEqual(paths);
      for (const issue of issues) expect(issue.message).toEqual(expect.any(String));
    }
  });

  it("503 when the store fails, so Alertmanager retries; the retry then stores it once", async () => {
    storeDown = true;
    const body = fixtureText("alertmanager/firing-ai003.json");
    expect(await expectRefused(await post(AM, body), 503)).toMatchObject({
      error: expect.stringMatching(/retry/),
    });
    storeDown = false;
    expect((await post(AM, body)).status).toBe(200);
    expect(await stored()).toHaveLength(1);
  });
});

describe("webhook good input", () => {
  it("accepts overlong label and annotation values, truncated", async () => {
    const good = fixture("alertmanager/firing-ai003.json");
    const alert = {
      ...good.alerts[0],
      labels: { ...good.alerts[0].labels, huge: "l".repeat(20_000) },
      annotations: { summary: "s".repeat(20_000) },
    };
    const res = await postJson(AM, { ...good, alerts: [alert] });
    expect(res.status).toBe(200);
    const [incident] = await stored();
    expect((incident!.fields.huge as string).length).toBeLessThanOrEqual(1024);
    expect(incident!.message.length).toBeLessThanOrEqual(4096);
    expect(incident!.fingerprint).toBe("AI_003:server::domain::ai::service");
  });

  it("accepts both captured Alertmanager bodies and the Grafana body", async () => {
    const answers = [];
    for (const [route, name] of [
      [AM, "alertmanager/firing-ai003.json"],
      [AM, "alertmanager/firing-db001.json"],
      [GRAFANA, "grafana/firing-ai003.json"],
    ] as const) {
      const res = await post(route, fixtureText(name));
      expect(res.status, name).toBe(200);
      answers.push(await res.json());
    }
    expect(answers).toEqual([
      { accepted: 1, duplicates: 0, resolved: 0 },
      { accepted: 1, duplicates: 0, resolved: 0 },
      { accepted: 1, duplicates: 0, resolved: 0 },
    ]);
    const incidents = await stored();
    expect(incidents.map((i) => [i.source, i.fingerprint, i.count])).toEqual([
      // Grafana's alert started 47 minutes earlier: another 5-minute window, so its own incident.
      ["grafana", "AI_003:server::domain::ai::service", 3],
      ["alertmanager", "DB_001:server::infra::db", 1],
      ["alertmanager", "AI_003:server::domain::ai::service", 1],
    ]);
  });

  it("a resend of the same notification makes no second incident and no second count", async () => {
    const body = fixtureText("alertmanager/firing-ai003.json");
    expect(await (await post(AM, body)).json()).toEqual({ accepted: 1, duplicates: 0, resolved: 0 });
    for (let i = 0; i < 3; i++) {
      expect(await (await post(AM, body)).json()).toEqual({ accepted: 0, duplicates: 1, resolved: 0 });
    }
    const incidents = await stored();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.count).toBe(1);
  });

  it("the resolved notification resolves the incident at the alert's endsAt", async () => {
    await post(AM, fixtureText("alertmanager/firing-ai003.json"));
    const res = await post(AM, fixtureText("alertmanager/resolved-ai003.json"));
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 0, resolved: 1 });
    const [incident] = await stored();
    expect(incident).toMatchObject({ status: "resolved", resolvedAt: Date.parse("2026-11-26T10:01:26Z") });
  });
});

describe("webhook with some bad alerts: the good ones are stored, the bad ones named", () => {
  const refusedCount = async (source: string, reason: string) =>
    (await metrics.registry.getSingleMetric("ai_monitor_webhook_alerts_refused_total")?.get())?.values.find(
      (v) => v.labels.source === source && v.labels.reason === reason,
    )?.value ?? 0;

  it("Alertmanager: 9 good alerts and one with a bad startsAt store 9 and name alerts.3.startsAt", async () => {
    const good = fixture("alertmanager/firing-ai003.json");
    const alerts = Array.from({ length: 10 }, (_, i) => ({
      ...good.alerts[0],
      labels: { ...good.alerts[0].labels, target: `svc${i}` },
      fingerprint: `fp${i}`,
    }));
    alerts[3] = { ...alerts[3], startsAt: "not-a-date" };
    const res = await postJson(AM, { ...good, alerts });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ accepted: 9, duplicates: 0, resolved: 0 });
    expect(answer.refused).toEqual([{ path: "alerts.3.startsAt", message: expect.any(String) }]);
    const incidents = await stored();
    expect(incidents).toHaveLength(9);
    expect(incidents.map((i) => i.target)).not.toContain("svc3");
    expect(await refusedCount("alertmanager", "startsAt")).toBe(1);
    const warnings = logged.filter((l) => l.msg === "webhook: alerts refused, the rest stored");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      source: "alertmanager",
      stored: 9,
      refused: [{ index: 3, path: "alerts.3.startsAt", message: expect.any(String) }],
    });
  });

  it("Grafana: a good alert and one that is not an object store the good one and name alerts.1", async () => {
    const good = fixture("grafana/firing-ai003.json");
    const res = await postJson(GRAFANA, { ...good, alerts: [good.alerts[0], "oops"] });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ accepted: 1, duplicates: 0, resolved: 0 });
    expect(answer.refused).toEqual([{ path: "alerts.1", message: expect.any(String) }]);
    expect(await stored()).toHaveLength(1);
    expect(await refusedCount("grafana", "alert")).toBe(1);
  });

  it("every alert bad: 400, nothing stored, each one counted", async () => {
    const good = fixture("alertmanager/firing-ai003.json");
    const bad = { ...good.alerts[0], fingerprint: "" };
    await expectRefused(await postJson(AM, { ...good, alerts: [bad, bad] }), 400);
    expect(await refusedCount("alertmanager", "fingerprint")).toBe(2);
  });
});
