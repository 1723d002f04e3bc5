import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import type { Signal } from "../domain/types.js";
import { silentLogger } from "../log.js";
import { createMetrics } from "../metrics.js";
import { createIntake } from "../pipeline/intake.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { createApp, insecureListenWarning, listenGuard } from "./app.js";

const NOW = Date.parse("2026-11-26T10:00:00Z");
const config = configSchema.parse({});

const signal = (i: number): Signal => ({
  fingerprint: `E_${i}:server::x`,
  errorCode: `E_${i}`,
  target: "server::x",
  level: "ERROR",
  message: `error ${i}`,
  timestampMs: NOW - 1000,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
});

let dir: string;
let store: Store;
let metrics: ReturnType<typeof createMetrics>;

function app(overrides: Partial<Store> = {}) {
  const used = { ...store, ...overrides };
  const intake = createIntake({
    store: used,
    policy: { windowMs: config.dedup.window, maxAgeMs: config.dedup.maxAge },
    metrics,
    now: () => NOW,
    wake: () => {},
  });
  return createApp({ intake, store: used, config, log: silentLogger(), metrics, now: () => NOW });
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-app-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
  metrics = createMetrics();
});

afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("incidents API with a webhook token", () => {
  it("needs the token to read incidents, as the webhooks do", async () => {
    const token = "0123456789abcdef-read";
    const secured = configSchema.parse({ webhook: { token } });
    const intake = createIntake({
      store,
      policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
      metrics,
      now: () => NOW,
      wake: () => {},
    });
    const api = createApp({ intake, store, config: secured, log: silentLogger(), metrics, now: () => NOW });
    expect((await api.request("/api/incidents")).status).toBe(401);
    expect(
      (await api.request("/api/incidents/1", { headers: { authorization: "Bearer nope" } })).status,
    ).toBe(401);
    expect(
      (await api.request("/api/incidents", { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect((await api.request("/healthz")).status).toBe(200);
  });
});

describe("health and metrics", () => {
  it("answers /healthz and /readyz while the store answers", async () => {
    expect(await (await app().request("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await app().request("/readyz");
    expect(ready.status).toBe(200);
  });

  it("answers /readyz 503 when the store does not", async () => {
    const res = await app({ ping: async () => Promise.reject(new Error("disk gone")) }).request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "store not answering" });
  });

  it("counts requests by route pattern, not raw path", async () => {
    const a = app();
    await a.request("/api/incidents/123");
    await a.request("/api/incidents/456");
    await a.request("/nowhere/at/all");
    const res = await a.request("/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(
      'ai_monitor_http_request_duration_seconds_count{method="GET",route="/api/incidents/:id",code="404"} 2',
    );
    expect(text).toContain(
      'ai_monitor_http_request_duration_seconds_count{method="GET",route="unmatched",code="404"} 1',
    );
    expect(text).not.toContain("/api/incidents/123");
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await app().request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });
});

describe("incident API", () => {
  it("lists newest first with keyset pages", async () => {
    await store.ingest([1, 2, 3].map(signal), { windowMs: 300_000, maxAgeMs: 3_600_000, now: NOW });
    const first = await (await app().request("/api/incidents?limit=2")).json();
    expect(first.incidents.map((i: { errorCode: string }) => i.errorCode)).toEqual(["E_3", "E_2"]);
    expect(first.incidents[0]).toMatchObject({ status: "open", count: 1, diagnosis: null, deliveries: [] });
    const second = await (await app().request(`/api/incidents?limit=2&before=${first.nextBefore}`)).json();
    expect(second.incidents.map((i: { errorCode: string }) => i.errorCode)).toEqual(["E_1"]);
    expect(second.nextBefore).toBeNull();
  });

  it("rejects a limit out of range, naming the parameter", async () => {
    for (const q of ["limit=0", "limit=501", "limit=abc", "limit=2.5"]) {
      const res = await app().request(`/api/incidents?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).issues[0].path).toBe("limit");
    }
  });

  it("rejects a `before` that is not an incident id, naming it (it used to answer an empty page)", async () => {
    for (const q of ["before=abc", "before=-1", "before=1.5", "before=", "before=12345678901234567"]) {
      const res = await app().request(`/api/incidents?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).issues[0].path, q).toBe("before");
    }
  });

  it("gets one incident by id, and 404 JSON for an unknown one", async () => {
    const [outcome] = await store.ingest([signal(7)], { windowMs: 300_000, maxAgeMs: 3_600_000, now: NOW });
    const id = (outcome as { incidentId: string }).incidentId;
    const res = await app().request(`/api/incidents/${id}`);
    expect(await res.json()).toMatchObject({
      id,
      fingerprint: "E_7:server::x",
      firstSeen: "2026-11-26T09:59:59.000Z",
    });
    const missing = await app().request("/api/incidents/999999");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "incident not found" });
  });
});

describe("listenGuard", () => {
  it.each(["127.0.0.1:9095", "127.1.2.3:80", "localhost:9095", "[::1]:9095"])(
    "allows loopback %s",
    (listen) => {
      expect(() => listenGuard(listen, null, false)).not.toThrow();
    },
  );

  it.each(["0.0.0.0:9095", "10.0.0.5:9095", "[::]:9095", "monitor.internal:9095"])(
    "refuses %s without a token, explaining why",
    (listen) => {
      expect(() => listenGuard(listen, null, false)).toThrow(/inject alerts.*LLM budget/s);
    },
  );

  it("allows any address with a token, or with --insecure", () => {
    expect(() => listenGuard("0.0.0.0:9095", "0123456789abcdef", false)).not.toThrow();
    expect(() => listenGuard("0.0.0.0:9095", null, true)).not.toThrow();
  });

  it("warns once at start-up when --insecure opens the page and API to the network without a token", () => {
    expect(insecureListenWarning("0.0.0.0:9095", null, true)).toMatch(
      /^serving without a webhook token on 0\.0\.0\.0:9095 \(--insecure\): anyone who can reach this port can read incidents/,
    );
    expect(insecureListenWarning("127.0.0.1:9095", null, true)).toBeNull();
    expect(insecureListenWarning("0.0.0.0:9095", "0123456789abcdef", true)).toBeNull();
  });

  it("extracts hosts from HOST:PORT", () => {});
});
