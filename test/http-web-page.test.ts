import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import type { Signal } from "../src/domain/types.js";
import { createApp } from "../src/http/app.js";
import { SESSION_COOKIE, SESSION_TTL_MS } from "../src/http/session.js";
import { safeNext } from "../src/http/web-auth.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { makeDiagnosis } from "./helpers/incident.js";

const T0 = Date.parse("2026-11-26T10:00:00Z");
const TOKEN = "0123456789abcdef-page-token";
const ORIGIN = "http://localhost";
let clock = T0;
let dir: string;
let store: Store;

const signal = (i: number, patch: Partial<Signal> = {}): Signal => ({
  fingerprint: `E_${i}:server::x`,
  errorCode: `E_${i}`,
  target: "server::x",
  level: "ERROR",
  message: `error ${i}`,
  timestampMs: T0 - 1000,
  requestId: null,
  fields: {},
  source: "file",
  count: 1,
  ...patch,
});

function app(token: string | null = TOKEN, publicUrl: string | null = null) {
  const config = configSchema.parse({ webhook: { token }, publicUrl });
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

/** Two incidents: 1 (critical, diagnosed, delivered, hostile message) and 2 (high, undiagnosed). */
async function seed() {
  const outcomes = await store.ingest(
    [signal(1, { message: '<script>alert("x")</script> pool exhausted' }), signal(2)],
    { windowMs: 300_000, maxAgeMs: 3_600_000, now: T0 },
  );
  const [one, two] = outcomes.map((o) => (o.kind === "new" ? o.incidentId : ""));
  await store.saveDiagnosis(one!, makeDiagnosis({ severity: "critical", title: "Pool exhausted" }));
  await store.saveContext(one!, {
    items: [{ id: "logs:request", kind: "logs", title: "Request logs", text: "token=[REDACTED] retry 3" }],
    partial: ["loki: not configured"],
    redactions: { token: 1 },
  });
  await store.updateDelivery(
    one!,
    "github",
    { state: "sent", remoteRef: "https://github.com/acme/server/issues/7" },
    T0,
  );
  await store.updateDelivery(one!, "discord", { state: "failed", lastError: "429", attempt: true }, T0);
  return { one: one!, two: two! };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

async function login(a = app()): Promise<string> {
  const res = await a.request("/login", {
    method: "POST",
    headers: { ...FORM, origin: ORIGIN },
    body: form({ token: TOKEN, next: "/" }),
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0]!;
}

beforeEach(async () => {
  clock = T0;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-page-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
});

afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("login and the session cookie", () => {
  it("sends a visitor without a session to the login form, and back where they were after it", async () => {
    const res = await app().request("/?status=open");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2F%3Fstatus%3Dopen");
    const page = await app().request("/login?next=%2F%3Fstatus%3Dopen");
    const html = await page.text();
    expect(html).toContain("<label>Token");
    expect(html).toContain('name="next" value="/?status=open"');

    const ok = await app().request("/login", {
      method: "POST",
      headers: { ...FORM, origin: ORIGIN },
      body: form({ token: TOKEN, next: "/?status=open" }),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/?status=open");
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain(`Max-Age=${SESSION_TTL_MS / 1000}`);
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain(TOKEN);
  });

  it("refuses a wrong or missing token with 401 and sets no cookie", async () => {
    for (const body of [form({ token: "wrong-token-0123456789" }), form({})]) {
      const res = await app().request("/login", {
        method: "POST",
        headers: { ...FORM, origin: ORIGIN },
        body,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("not the one ai-monitor is configured with");
    }
  });

  it("refuses a login posted from another site or with neither Origin nor Referer", async () => {
    for (const headers of [{ origin: "https://evil.example" }, {}] as Record<string, string>[]) {
      const res = await app().request("/login", {
        method: "POST",
        headers: { ...FORM, ...headers },
        body: form({ token: TOKEN }),
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("never sends anyone off-site after login", () => {
    for (const bad of [
      "//evil.example/",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:x",
      "",
      null,
    ]) {
      expect(safeNext(bad)).toBe("/");
    }
    expect(safeNext("/incidents/3?done=1")).toBe("/incidents/3?done=1");
  });

  it("lets the page and the JSON API in with the cookie; refuses expired, forged or foreign cookies", async () => {
    await seed();
    const cookie = await login();
    expect((await app().request("/", { headers: { cookie } })).status).toBe(200);
    const api = await app().request("/api/incidents", { headers: { cookie } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { incidents: unknown[] }).incidents).toHaveLength(2);

    const value = cookie.slice(SESSION_COOKIE.length + 1);
    const [expiry, signature] = decodeURIComponent(value).split(".");
    const forged = [
      `${SESSION_COOKIE}=${encodeURIComponent(`${Number(expiry) + SESSION_TTL_MS}.${signature}`)}`,
      `${SESSION_COOKIE}=${encodeURIComponent(`${expiry}.${"A".repeat(signature!.length - 1)}=`)}`,
      `${SESSION_COOKIE}=${expiry}`,
    ];
    for (const bad of forged) {
      expect((await app().request("/api/incidents", { headers: { cookie: bad } })).status).toBe(401);
      expect((await app().request("/", { headers: { cookie: bad } })).status).toBe(303);
    }
    // After the token changes, cookies signed under the old one are refused.
    const other = app("another-token-0123456789");
    expect((await other.request("/api/incidents", { headers: { cookie } })).status).toBe(401);

    clock = T0 + SESSION_TTL_MS + 1;
    expect((await app().request("/api/incidents", { headers: { cookie } })).status).toBe(401);
    expect((await app().request("/", { headers: { cookie } })).headers.get("location")).toBe(
      "/login?next=%2F",
    );
  });

  it("logs out by clearing the cookie", async () => {
    const res = await app().request("/logout", {
      method: "POST",
      headers: { origin: ORIGIN, cookie: await login() },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    expect(res.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });

  it("ends the session on logout: the old cookie no longer opens the page or the API", async () => {
    const a = app();
    const cookie = await login(a);
    clock += 1;
    const other = await login(a);
    expect((await a.request("/api/incidents", { headers: { cookie } })).status).toBe(200);
    const res = await a.request("/logout", { method: "POST", headers: { origin: ORIGIN, cookie } });
    expect(res.status).toBe(303);
    expect((await a.request("/api/incidents", { headers: { cookie } })).status).toBe(401);
    expect((await a.request("/", { headers: { cookie } })).status).toBe(303);
    // Another browser's session, started at another instant, goes on.
    expect((await a.request("/api/incidents", { headers: { cookie: other } })).status).toBe(200);
  });

  it("still takes the bearer token on the API, and answers 401 without token or cookie", async () => {
    const bearer = await app().request("/api/incidents", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    const none = await app().request("/api/incidents");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await none.json()).toEqual({ error: "missing bearer token or session" });
    const wrong = await app().request("/api/incidents", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });
});

describe("state changes with the cookie must come from this site", () => {
  it("refuses a cross-origin or origin-less API POST carrying the cookie; accepts Origin or Referer of this site", async () => {
    const { one } = await seed();
    const cookie = await login();
    const post = (headers: Record<string, string>) =>
      app().request(`/api/incidents/${one}/feedback`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, ...headers },
        body: JSON.stringify({ verdict: "correct", by: "ana" }),
      });
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ referer: "https://evil.example/x" })).status).toBe(403);
    expect((await post({ origin: ORIGIN, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect(await store.listDiagnosisFeedback({})).toEqual([]);
    expect((await post({ referer: `${ORIGIN}/incidents/${one}` })).status).toBe(200);
    expect((await post({ origin: ORIGIN })).status).toBe(200);
  });

  it("accepts the public URL's origin behind a proxy", async () => {
    const { one } = await seed();
    const a = app(TOKEN, "https://monitor.example.com/");
    const cookie = await login(a);
    const res = await a.request(`/api/incidents/${one}/ack`, {
      method: "POST",
      headers: { cookie, origin: "https://monitor.example.com" },
    });
    expect(res.status).toBe(200);
  });

  it("refuses a cross-site page form even with a valid cookie", async () => {
    const { one } = await seed();
    const cookie = await login();
    const res = await app().request(`/incidents/${one}/resolve`, {
      method: "POST",
      headers: { ...FORM, cookie, origin: "https://evil.example" },
      body: form({ note: "pwned" }),
    });
    expect(res.status).toBe(403);
    expect((await store.getIncident(one))?.status).toBe("open");
  });
});
