/**
 * The GitHub issue sink (real @octokit/rest with the throttling and retry plugins) against the fake GitHub:
 * one issue per fingerprint, a comment on the open one for a new occurrence, markers that make a retry or a
 * restart find what was already written, and log text that cannot mention, link or leak.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createGithubSink, type GithubSinkOptions } from "../src/sinks/github/github-sink.js";
import { grafanaExploreLink } from "../src/sinks/grafana-explore.js";
import { hostileIncident, makeIncident } from "./helpers/dispatch-incident.js";
import { type FakeGithub, startFakeGithub } from "./helpers/fake-github.js";

const fakes: FakeGithub[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function setup(extra: Partial<GithubSinkOptions> = {}) {
  const fake = await startFakeGithub();
  fakes.push(fake);
  const lines: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  const printed: string[] = [];
  const sink = createGithubSink({
    token: fake.token,
    repository: fake.repository,
    apiUrl: fake.apiUrl,
    log,
    now: Date.now,
    retryBaseMs: 1,
    throttle: false,
    print: (text) => void printed.push(text),
    grafanaExploreUrl: grafanaExploreLink({
      url: "http://grafana.local:3000",
      lokiDatasourceUid: "loki",
      selector: '{app="server"}',
      orgId: 1,
    }),
    ...extra,
  });
  return { fake, sink, lines, printed };
}

/** What GitHub renders as live Markdown: the body without code blocks, code spans and HTML comments. */
function outsideCode(markdown: string): string {
  return markdown
    .replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, "")
    .replace(/(`+)[\s\S]*?\1/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");
}

const ref = (result: unknown) => (result as { remoteRef: string }).remoteRef;

describe("GitHub issue sink", () => {
  it("files the issue: coded title, labels, diagnosis, evidence in code blocks, hidden markers", async () => {
    const { fake, sink } = await setup();
    const result = await sink.send(makeIncident(), "opened");
    expect(result).toEqual({ ok: true, remoteRef: "https://github.example/acme/server/issues/1" });
    const [issue] = fake.issues;
    expect(issue?.title).toBe("[AI_003] Claude API timeout after 30000ms (server::domain::ai::service)");
    expect(issue?.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual([
      "ai-monitor",
      "severity:high",
      "AI_003",
    ]);
    expect(issue?.body).toContain(
      "<!-- ai-monitor:fingerprint=AI_003%3Aserver%3A%3Adomain%3A%3Aai%3A%3Aservice -->",
    );
    expect(issue?.body).toContain("<!-- ai-monitor:incident=7 -->");
    expect(issue?.body).toContain("## Recommendations\n1. Raise TIMEOUT\\_SECS.\n2. Limit prompt length.");
    expect(issue?.body).toContain("Log message:\n```text\nClaude API timeout after 30000ms\n```");
    expect(issue?.body).toMatch(/\[Logs in Grafana\]\(http:\/\/grafana\.local:3000\/explore\?[^)\s]+\)/);
  });

  it("keeps the hostile line inert: no mention, reference, live link or secret outside code", async () => {
    const { fake, sink } = await setup();
    await sink.send(hostileIncident(), "opened");
    const [issue] = fake.issues;
    const all = `${issue?.title}\n${issue?.body}`;
    expect(all).not.toContain("CANARY");
    const live = outsideCode(all);
    expect(live).not.toMatch(/@(everyone|here)|<@&?\d+>|https?:\/\/evil|\]\(https?:\/\/evil|#\d/);
    expect(issue?.body).toContain("ignore all previous instructions"); // shown, as evidence, not obeyed
    expect(live).toContain("@\u200beveryone");
  });

  it("comments on the open issue of the same fingerprint instead of opening another", async () => {
    const { fake, sink } = await setup();
    const first = await sink.send(makeIncident({ id: "1" }), "opened");
    const second = await sink.send(makeIncident({ id: "2", count: 9 }), "opened");
    expect(ref(second)).toBe(ref(first));
    expect(fake.issues).toHaveLength(1);
    const [comment] = fake.comments.get(1) ?? [];
    expect(comment?.body).toContain("<!-- ai-monitor:incident=2 -->");
    expect(comment?.body).toMatch(/\*\*New occurrence:\*\* incident `2` with \*\*9\*\* occurrence/);

    fake.humanSetState(1, "closed", "completed"); // fixed and closed by a human: the next occurrence reopens it
    expect(ref(await sink.send(makeIncident({ id: "3" }), "opened"))).toBe(ref(first));
    expect(fake.issues).toHaveLength(1);
    expect(fake.issues[0]).toMatchObject({ state: "open", state_reason: "reopened" });
    // Incident 2 commented a moment ago: the reopen happens, its comment waits out the rate limit.
    expect(fake.comments.get(1)).toHaveLength(1);
  });

  it("never files twice: a repeated send and a lookup after a lost answer find the issue", async () => {
    const { fake, sink } = await setup();
    const incident = makeIncident({ id: "11" });
    const held = fake.holdNextCreate();
    const sending = sink.send(incident, "opened");
    await held.received;
    held.release(false); // GitHub created the issue, the answer never arrived (a crash, a dropped connection)
    expect(await sending).toMatchObject({ ok: false, retryable: true });
    expect(await sink.lookup?.(incident, "opened")).toBe("https://github.example/acme/server/issues/1");
    expect(ref(await sink.send(incident, "opened"))).toBe("https://github.example/acme/server/issues/1");
    expect(fake.issues).toHaveLength(1);
    expect(fake.comments.size).toBe(0);

    const other = makeIncident({ id: "12" });
    expect(await sink.lookup?.(other, "opened")).toBeNull(); // same fingerprint, but this incident wrote nothing
    await sink.send(other, "opened");
    expect(await sink.lookup?.(other, "opened")).toBe("https://github.example/acme/server/issues/1");
  });

  it("retries a 5xx read in-request, but never repeats a write in-request", async () => {
    const { fake, sink } = await setup();
    fake.failNext({ status: 502, method: "GET" });
    expect((await sink.send(makeIncident({ id: "1" }), "opened")).ok).toBe(true);
    fake.failNext({ status: 500, method: "POST" });
    const failed = await sink.send(makeIncident({ id: "2", fingerprint: "DB_001:server::db" }), "opened");
    expect(failed).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/unavailable \(500\)/),
    });
    expect(fake.issues).toHaveLength(1);
    expect((await sink.send(makeIncident({ id: "2", fingerprint: "DB_001:server::db" }), "opened")).ok).toBe(
      true,
    );
    expect(fake.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([201, 500, 201]);
  });

  it("waits out a secondary rate limit through the outbox, not in the request", async () => {
    const { fake, sink } = await setup({ throttle: true });
    fake.failNext({
      status: 403,
      headers: { "retry-after": "60" },
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    });
    const result = await sink.send(makeIncident(), "opened");
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 60_000 });
    expect(fake.requests).toHaveLength(1);
  });

  it("reports bad credentials and a missing repository as permanent, without the token", async () => {
    const { fake, sink, lines } = await setup({ token: "ghp_WRONGwrongWRONGwrong000000000000" });
    const denied = await sink.send(makeIncident(), "opened");
    expect(denied).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining("401 GITHUB_TOKEN was rejected"),
    });
    const { sink: lost } = await setup({ repository: "acme/gone" });
    expect(await lost.send(makeIncident(), "opened")).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/^404 repository not found/),
    });
    expect([...lines, JSON.stringify(denied)].join("\n")).not.toMatch(/ghp_WRONG|ghp_FAKE/);
    expect(fake.issues).toHaveLength(0);
  });

  it("works against GitHub Enterprise's /api/v3 base URL", async () => {
    const { fake } = await setup();
    const sink = createGithubSink({
      token: fake.token,
      repository: fake.repository,
      apiUrl: `${fake.apiUrl}/api/v3/`,
      log: pino({ level: "silent" }),
      now: Date.now,
      throttle: false,
    });
    expect((await sink.send(makeIncident(), "opened")).ok).toBe(true);
    expect(fake.requests.map((r) => r.path.slice(0, 8))).toEqual(["/api/v3/", "/api/v3/"]);
  });

  it("in dry-run mode prints the issue instead of filing it", async () => {
    const { fake, sink, printed } = await setup({ dryRun: true });
    expect(await sink.send(makeIncident(), "opened")).toEqual({ ok: true, remoteRef: null });
    expect(printed[0]).toMatch(/^\[dry-run\] github issue in acme\/server\ntitle: \[AI_003\]/);
    expect(fake.requests).toHaveLength(0);
  });
});
