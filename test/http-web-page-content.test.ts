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

const T0 = Date.parse("2026-11-26T10:00:00Z");
const TOKEN = "0123456789abcdef-page-token";
const ORIGIN = "http://localhost";
const FORM = { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN };
let dir: string;
let store: Store;
let cookie: string;
let ids: { one: string; two: string };

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

function app(token: string | null = TOKEN) {
  const config = configSchema.parse({ webhook: { token } });
  const metrics = createMetrics();
  const now = () => T0 + 60_000;
  const intake = createIntake({
    store,
    policy: { windowMs: 300_000, maxAgeMs: 3_600_000 },
    metrics,
    now,
    wake: () => {},
  });
  return createApp({ intake, store, config, log: silentLogger(), metrics, now });
}

const get = (url: string) => app().request(url, { headers: { cookie } });
const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app().request(url, {
    method: "POST",
    headers: { ...FORM, cookie, ...headers },
    body: new URLSearchParams(fields),
  });

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-page-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
  const outcomes = await store.ingest(
    [
      signal(1, { message: '<script>alert("x")</script> pool exhausted' }),
      signal(2, { timestampMs: T0 - 3 * 86_400_000 }),
    ],
    { windowMs: 300_000, maxAgeMs: 10 * 86_400_000, now: T0 },
  );
  const [one, two] = outcomes.map((o) => (o.kind === "new" ? o.incidentId : ""));
  ids = { one: one!, two: two! };
  await store.saveDiagnosis(
    ids.one,
    makeDiagnosis({ severity: "critical", title: "Pool exhausted", by: "claude-x" }),
  );
  await store.saveContext(ids.one, {
    items: [{ id: "logs:request", kind: "logs", title: "Request logs", text: "token=[REDACTED] retry 3" }],
    partial: ["loki: not configured"],
    redactions: { token: 1 },
  });
  const issue = "https://github.com/acme/server/issues/7";
  await store.updateDelivery(ids.one, "github", { state: "sent", remoteRef: issue }, T0);
  await store.updateDelivery(ids.one, "discord", { state: "failed", lastError: "429", attempt: true }, T0);
  const res = await app().request("/login", {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams({ token: TOKEN }),
  });
  cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
});

afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("GET / (the incidents list)", () => {
  it("lists incidents newest first with severity, status, count, deliveries and the diagnosis title", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain(`href="/incidents/${ids.one}">Pool exhausted</a>`);
    expect(html.indexOf(`/incidents/${ids.two}"`)).toBeLessThan(html.indexOf(`/incidents/${ids.one}"`));
    expect(html).toContain("(failed: discord)");
    expect(html).toContain("2 incidents, newest first");
  });

  it("filters by severity, status, code and time, and keeps the choice in the form", async () => {
    const only = async (query: string) => {
      const html = await (await get(`/?${query}`)).text();
      return [ids.one, ids.two].filter((id) => html.includes(`href="/incidents/${id}"`));
    };
    expect(await only("severity=critical")).toEqual([ids.one]);
    expect(await only("code=E_2")).toEqual([ids.two]);
    expect(await only("since=24h")).toEqual([ids.one]);
    expect(await only("status=resolved")).toEqual([]);
    expect(await only("status=&severity=&code=&since=")).toEqual([ids.one, ids.two]);
    const html = await (await get("/?severity=critical&since=24h")).text();
    expect(html).toContain('<option value="critical" selected="">');
    expect(html).toContain('<option value="24h" selected="">');
  });

  it("answers 400 naming the field for a filter it cannot read", async () => {
    const res = await get("/?since=yesterday&severity=urgent");
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("severity:");
    expect(html).toContain("since: not a time");
  });

  it("filters the JSON API the same way", async () => {
    const res = await app().request("/api/incidents?severity=critical,high&since=24h", {
      headers: { cookie },
    });
    const body = (await res.json()) as { incidents: { id: string }[] };
    expect(body.incidents.map((i) => i.id)).toEqual([ids.one]);
    const bad = await app().request("/api/incidents?status=closed", { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe("status");
  });
});

describe("GET /incidents/:id", () => {
  it("shows the diagnosis, the context sent to the LLM, deliveries with links, and escapes log text", async () => {
    const html = await (await get(`/incidents/${ids.one}`)).text();
    expect(html).toContain("Pool exhausted");
    expect(html).toContain("The request took longer than the client timeout.");
    expect(html).toContain("<li>Raise TIMEOUT_SECS.</li>");
    expect(html).toContain("claude-x, cost $0.0000");
    expect(html).toContain("token=[REDACTED] retry 3");
    expect(html).toContain("redacted before sending: 1 token");
    expect(html).toContain('href="https://github.com/acme/server/issues/7"');
    expect(html).toContain("failed after 1 attempt");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("<legend>Was this diagnosis right?</legend>");
  });

  it("answers 404 for an unknown or malformed id", async () => {
    for (const id of ["999", "abc", "1%20OR%201"]) {
      const res = await get(`/incidents/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("Incident not found");
    }
  });
});

describe("the forms", () => {
  it("saves a verdict and shows it, then redirects back (post/redirect/get)", async () => {
    const res = await post(`/incidents/${ids.one}/verdict`, {
      verdict: "partial",
      note: "right pool, wrong cause",
      by: "ana",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/incidents/${ids.one}?done=verdict#verdict`);
    expect(await store.listDiagnosisFeedback({})).toMatchObject([
      { incidentId: ids.one, reviewer: "ana", verdict: "partial", note: "right pool, wrong cause" },
    ]);
    const html = await (await get(`/incidents/${ids.one}?done=verdict`)).text();
    expect(html).toContain("Verdict saved");
    expect(html).toContain("<strong>partial</strong> by ana");
    expect(await (await get("/")).text()).toContain("1 partial");
    // A 👍 on the GitHub issue, as the reaction poller stores it, shows beside the page's verdicts.
    await store.saveDiagnosisFeedback({
      incidentId: ids.one,
      reviewer: "github:octocat",
      verdict: "correct",
      note: null,
      at: T0,
    });
    expect(await (await get(`/incidents/${ids.one}`)).text()).toContain("by octocat (GitHub reaction)");
    expect(await (await get("/")).text()).toContain("1 correct, 1 partial");
  });

  it("refuses a bad verdict (400 naming the field), an undiagnosed (409) or unknown (404) incident", async () => {
    const bad = await post(`/incidents/${ids.one}/verdict`, { verdict: "maybe" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("verdict:");
    const reserved = await post(`/incidents/${ids.one}/verdict`, {
      verdict: "correct",
      by: "github:octocat",
    });
    expect(reserved.status).toBe(400);
    expect(await reserved.text()).toContain("kept for GitHub reactions");
    expect((await post(`/incidents/${ids.two}/verdict`, { verdict: "correct" })).status).toBe(409);
    expect((await post("/incidents/999/verdict", { verdict: "correct" })).status).toBe(404);
    expect(await store.listDiagnosisFeedback({})).toEqual([]);
  });

  it("needs a session to post a form", async () => {
    const res = await app().request(`/incidents/${ids.one}/verdict`, {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams({ verdict: "correct" }),
    });
    expect(res.status).toBe(401);
  });

  it("acknowledges, then resolves with a note, each once", async () => {
    const ack = await post(`/incidents/${ids.one}/ack`, { by: "ana" });
    expect(ack.headers.get("location")).toBe(`/incidents/${ids.one}?done=acked#state`);
    expect((await post(`/incidents/${ids.one}/ack`, {})).headers.get("location")).toContain(
      "done=already-acked",
    );
    let html = await (await get(`/incidents/${ids.one}`)).text();
    expect(html).toMatch(/acknowledged<\/span> <time[^>]*>[^<]*<\/time> by ana/);
    expect(html).not.toContain(">Acknowledge</button>");

    const resolved = await post(`/incidents/${ids.one}/resolve`, { note: "pool raised to 50", by: "ana" });
    expect(resolved.headers.get("location")).toBe(`/incidents/${ids.one}?done=resolved#state`);
    expect(await store.getIncident(ids.one)).toMatchObject({
      status: "resolved",
      resolutionNote: "pool raised to 50",
    });
    html = await (await get(`/incidents/${ids.one}`)).text();
    expect(html).toContain("pool raised to 50");
    expect(html).toContain("This incident is resolved");
    const late = await post(`/incidents/${ids.one}/ack`, { by: "bo" });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("This incident is already resolved");
    expect((await store.getIncident(ids.one))?.acknowledgedBy).toBe("ana");
    expect((await post(`/incidents/${ids.one}/resolve`, {})).headers.get("location")).toContain(
      "done=already-resolved",
    );
    expect((await post("/incidents/999/resolve", {})).status).toBe(404);
    expect((await post("/incidents/x/ack", {})).status).toBe(404);
  });
});

describe("without a token (loopback only)", () => {
  it("serves the page without login, and /login goes home", async () => {
    expect((await app(null).request("/")).status).toBe(200);
    const login = await app(null).request("/login");
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/");
  });

  it("still refuses forms and API changes posted by another site (any page can post to 127.0.0.1)", async () => {
    const evil = { ...FORM, origin: "https://evil.example" };
    const page = await app(null).request(`/incidents/${ids.one}/resolve`, {
      method: "POST",
      headers: evil,
      body: "",
    });
    expect(page.status).toBe(403);
    const api = await app(null).request(`/api/incidents/${ids.one}/resolve`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
    });
    expect(api.status).toBe(403);
    expect((await store.getIncident(ids.one))?.status).toBe("open");
    // A script (curl) sends no Origin: allowed, as before.
    expect((await app(null).request(`/api/incidents/${ids.one}/ack`, { method: "POST" })).status).toBe(200);
    const ok = await app(null).request(`/incidents/${ids.one}/resolve`, {
      method: "POST",
      headers: FORM,
      body: "",
    });
    expect(ok.status).toBe(303);
  });
});
