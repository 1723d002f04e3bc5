/**
 * The GitHub sink's resolution and recurrence writes against the fake GitHub, one send at a time: options
 * (closeOnResolve, the keep-open label), the per-issue comment rate limit, failures classified like every
 * other GitHub write, inert log text in comments, and the fake's own checks of the request shapes.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Incident } from "../src/domain/types.js";
import { createGithubSink, type GithubSinkOptions } from "../src/sinks/github/github-sink.js";
import { hostileIncident, makeIncident } from "./helpers/dispatch-incident.js";
import { type FakeGithub, startFakeGithub } from "./helpers/fake-github.js";

const fakes: FakeGithub[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

const T0 = Date.parse("2026-11-26T09:15:00Z");
const MIN = 60_000;

async function setup(extra: Partial<GithubSinkOptions> = {}) {
  const fake = await startFakeGithub();
  fakes.push(fake);
  const clock = { now: T0 + 10 * MIN };
  const printed: string[] = [];
  const sink = createGithubSink({
    token: fake.token,
    repository: fake.repository,
    apiUrl: fake.apiUrl,
    log: pino({ level: "silent" }),
    now: () => clock.now,
    retryBaseMs: 1,
    throttle: false,
    print: (text) => void printed.push(text),
    ...extra,
  });
  /** File the issue for `incident`, and return it as the store has it once resolved at `resolvedAt`. */
  const filedAndResolved = async (incident: Incident, resolvedAt = T0 + 20 * MIN): Promise<Incident> => {
    const sent = await sink.send(incident, "opened");
    if (!sent.ok) throw new Error(sent.error);
    return {
      ...incident,
      status: "resolved",
      resolvedAt,
      deliveries: [
        {
          sink: "github",
          state: "sent",
          attempts: 1,
          remoteRef: sent.remoteRef,
          lastError: null,
          updatedAt: 0,
        },
      ],
    };
  };
  const bodies = (n = 1) => (fake.comments.get(n) ?? []).map((c) => c.body ?? "");
  return { fake, sink, clock, printed, filedAndResolved, bodies };
}

describe("GitHub sink: resolution", () => {
  it("with closeOnResolve off, or on an issue labelled keep-open, comments but leaves the issue open", async () => {
    const off = await setup({ closeOnResolve: false });
    const resolved = await off.filedAndResolved(makeIncident());
    expect(await off.sink.send(resolved, "resolved")).toEqual({
      ok: true,
      remoteRef: expect.stringMatching(/\/1$/),
    });
    expect(off.fake.issues[0]?.state).toBe("open");
    expect(off.bodies()[0]).toContain("Leaving this issue open");

    const kept = await setup();
    const incident = await kept.filedAndResolved(makeIncident());
    kept.fake.humanLabel(1, "keep-open");
    await kept.sink.send(incident, "resolved");
    expect(kept.fake.issues[0]?.state).toBe("open");
    expect(kept.bodies()).toHaveLength(1);
  });

  it("writes nothing for an incident whose issue was never filed (the worker's gate does not send it either)", async () => {
    const { fake, sink } = await setup();
    const unfiled = makeIncident({ status: "resolved", resolvedAt: T0 + 20 * MIN });
    expect(await sink.send(unfiled, "resolved")).toEqual({ ok: true, remoteRef: null });
    expect(fake.requests).toEqual([]);
  });

  it("rate-limits comments per issue: a flapping incident comments once per interval", async () => {
    const { sink, clock, filedAndResolved, bodies } = await setup({ closeOnResolve: false });
    const first = await filedAndResolved(makeIncident(), T0 + 20 * MIN);
    await sink.send(first, "resolved");
    clock.now += MIN; // reopened in its window and resolved again a minute later
    await sink.send({ ...first, resolvedAt: T0 + 21 * MIN }, "resolved");
    expect(bodies()).toHaveLength(1);
    clock.now += 5 * MIN;
    await sink.send({ ...first, resolvedAt: T0 + 26 * MIN }, "resolved");
    expect(bodies()).toHaveLength(2);
  });

  it("never repeats a comment in-request on a 5xx, waits out a secondary rate limit, retries the idempotent close", async () => {
    const { fake, sink, filedAndResolved, bodies } = await setup();
    const resolved = await filedAndResolved(makeIncident());
    fake.failNext({ status: 502, method: "POST" });
    expect(await sink.send(resolved, "resolved")).toMatchObject({ ok: false, retryable: true });
    fake.failNext({
      status: 403,
      method: "POST",
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    });
    expect(await sink.send(resolved, "resolved")).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 60_000,
    });
    fake.failNext({ status: 502, method: "PATCH" });
    expect((await sink.send(resolved, "resolved")).ok).toBe(true);
    expect(bodies()).toHaveLength(1);
    expect(fake.issues[0]?.state).toBe("closed");
    const writes = fake.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.status}`);
    expect(writes).toEqual(["POST 201", "POST 502", "POST 403", "POST 201", "PATCH 502", "PATCH 200"]);
  });

  it("in dry-run mode prints the resolution comment instead of posting it", async () => {
    const { fake, sink, printed } = await setup({ dryRun: true });
    const incident = { ...makeIncident({ status: "resolved", resolvedAt: T0 + 5 * MIN }) };
    expect(await sink.send(incident, "resolved")).toEqual({ ok: true, remoteRef: null });
    expect(printed[0]).toMatch(
      /^\[dry-run\] github: comment on the incident's issue .* and close it as completed/,
    );
    expect(printed[0]).toContain("fired for **5 min**");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("GitHub sink: recurrence and comments", () => {
  it("keeps log text inert in comments: no mention, reference, link or secret", async () => {
    const { fake, sink, filedAndResolved, bodies } = await setup();
    const hostile = hostileIncident();
    await filedAndResolved(hostile);
    fake.humanSetState(1, "closed", "completed");
    const again = await filedAndResolved({ ...hostile, id: "8" }); // reopens #1 with a "recurred" comment
    await sink.send(again, "resolved");
    expect(bodies()).toHaveLength(2);
    const all = bodies().join("\n");
    expect(all).not.toContain("CANARY");
    const live = all
      .replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, "")
      .replace(/(`+)[\s\S]*?\1/g, "")
      .replace(/<!--[\s\S]*?-->/g, "");
    expect(live).not.toMatch(/@(everyone|here)|https?:\/\/evil|#\d/);
    expect(fake.issues[0]?.state).toBe("closed");
  });

  it("the fake refuses what GitHub refuses: bad state or state_reason, unknown fields, empty or huge comments", async () => {
    const { fake } = await setup();
    await createGithubSink({
      token: fake.token,
      repository: fake.repository,
      apiUrl: fake.apiUrl,
      log: pino({ level: "silent" }),
      now: Date.now,
      throttle: false,
    }).send(makeIncident(), "opened");
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${fake.apiUrl}/repos/acme/server/issues/1${path}`, {
        method,
        headers: { authorization: `token ${fake.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    expect(await call("PATCH", "", { state: "resolved" })).toBe(422);
    expect(await call("PATCH", "", { state: "closed", state_reason: "fixed" })).toBe(422);
    expect(await call("PATCH", "", { state: "closed", stateReason: "completed" })).toBe(422);
    expect(await call("POST", "/comments", { body: "" })).toBe(422);
    expect(await call("POST", "/comments", { body: "x".repeat(65_537) })).toBe(422);
    expect(await call("POST", "/comments", { body: "ok", title: "no" })).toBe(422);
    expect(fake.issues[0]?.state).toBe("open");
    expect(await call("PATCH", "", { state: "closed", state_reason: "not_planned" })).toBe(200);
    expect(fake.issues[0]).toMatchObject({ state: "closed", state_reason: "not_planned" });
    expect(await call("PATCH", "", { state: "open" })).toBe(200);
    expect(fake.issues[0]).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
  });
});
