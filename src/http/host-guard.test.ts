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
import { createApp } from "./app.js";
import { hostName, isLoopbackHostName } from "./host-guard.js";

const T0 = Date.parse("2026-12-03T10:00:00Z");
const P = 40123;
const EVIL = { host: `evil.example:${P}`, origin: `http://evil.example:${P}` };
let dir: string;
let store: Store;

const signal: Signal = {
  fingerprint: "E_1:server::x",
  errorCode: "E_1",
  target: "server::x",
  level: "ERROR",
  message: "secret log text",
  timestampMs: T0 - 1000,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
};

function app(settings: { token?: string | null; publicUrl?: string | null; listen?: string } = {}) {
  const { token = null, publicUrl = null, listen = `127.0.0.1:${P}` } = settings;
  const config = configSchema.parse({ webhook: { token }, publicUrl, listen });
  const metrics = createMetrics();
  const now = () => T0;
  const policy = { windowMs: 300_000, maxAgeMs: 3_600_000 };
  const intake = createIntake({ store, policy, metrics, now, wake: () => {} });
  return createApp({ intake, store, config, log: silentLogger(), metrics, now });
}

const url = (p: string) => `http://127.0.0.1:${P}${p}`;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-host-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
  await store.ingest([signal], { windowMs: 300_000, maxAgeMs: 3_600_000, now: T0 });
});

afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("DNS rebinding without a token (loopback listen)", () => {
  it("refuses an API ack addressed to another host name, even with a matching Origin", async () => {
    const res = await app().request(url("/api/incidents/1/ack"), { method: "POST", headers: EVIL });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/Host "evil\.example:40123" is not this machine.*DNS rebinding/);
    expect((await store.getIncident("1"))?.acknowledgedAt ?? null).toBeNull();
  });

  it("refuses the page's ack form addressed to another host name", async () => {
    const res = await app().request(url("/incidents/1/ack"), {
      method: "POST",
      headers: { ...EVIL, ...FORM },
      body: "by=mallory",
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("DNS rebinding");
    expect((await store.getIncident("1"))?.acknowledgedAt ?? null).toBeNull();
  });

  it("does not hand incident data to another host name (API list, page list, detail page)", async () => {
    for (const p of ["/api/incidents", "/api/incidents/1", "/", "/incidents/1", "/login"]) {
      const res = await app().request(url(p), { headers: { host: "evil.example" } });
      expect(res.status, p).toBe(403);
      expect(await res.text(), p).not.toContain("secret log text");
    }
  });

  it("serves loopback names and addresses, and publicUrl's host", async () => {
    const hosts = [`localhost:${P}`, "localhost", `127.0.0.1:${P}`, "127.1.2.3", `[::1]:${P}`, "LOCALHOST"];
    for (const host of hosts) {
      const res = await app().request(url("/api/incidents"), { headers: { host } });
      expect(res.status, host).toBe(200);
    }
    const behind = app({ publicUrl: "https://monitor.example.org/" });
    const res = await behind.request(url("/api/incidents"), { headers: { host: "monitor.example.org" } });
    expect(res.status).toBe(200);
    // The node server builds the request URL from Host, so the same-site check sees localhost here.
    const ack = await app().request(`http://localhost:${P}/api/incidents/1/ack`, {
      method: "POST",
      headers: { host: `localhost:${P}`, origin: `http://localhost:${P}` },
    });
    expect(ack.status).toBe(200);
  });

  it("leaves health, metrics and webhooks alone, and does not apply with a token or a non-loopback listen", async () => {
    for (const p of ["/healthz", "/metrics"]) {
      expect((await app().request(url(p), { headers: EVIL })).status, p).toBe(200);
    }
    const withToken = app({ token: "0123456789abcdef-token" });
    const res = await withToken.request(url("/api/incidents"), {
      headers: { host: "evil.example", authorization: "Bearer 0123456789abcdef-token" },
    });
    expect(res.status).toBe(200);
    const insecure = app({ listen: `0.0.0.0:${P}` });
    expect((await insecure.request(url("/api/incidents"), { headers: { host: "10.0.0.5" } })).status).toBe(
      200,
    );
  });
});

describe("host names", () => {
  it("reads the name of a Host header and knows loopback ones", () => {
    expect(hostName("LocalHost:9095")).toBe("localhost");
    expect(hostName("[::1]:80")).toBe("[::1]");
    expect(hostName("user@evil.example")).toBeNull();
    expect(isLoopbackHostName("127.255.0.1")).toBe(true);
    expect(isLoopbackHostName("127.0.0.256")).toBe(false);
    expect(isLoopbackHostName("127.0.0.1.evil.example")).toBe(false);
    expect(isLoopbackHostName("localhost.evil.example")).toBe(false);
  });
});
