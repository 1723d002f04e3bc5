/**
 * Autofix end to end with real git and real cargo: the fixture crate in a repository whose origin is a bare
 * repository, the fake GitHub for the PR call, incidents through the SQLite store and the real deliver step.
 * A passing fix becomes a pushed branch and a draft PR linked from the alert; a fix that breaks a test leaves
 * nothing behind but the recorded failure; the user's checkout is identical before and after.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createAutofixGithub } from "../src/autofix/pr.js";
import { autofixSuccessRate, createPrTracker } from "../src/autofix/pr-tracking.js";
import { incidentToJson } from "../src/http/incident-json.js";
import { silentLogger } from "../src/log.js";
import { incidentLinks } from "../src/sinks/discord/payload.js";
import { createGithubClient } from "../src/sinks/github/github-client.js";
import { mergeFakePull } from "./helpers/autofix-fake-pulls.js";
import { cargoAvailable } from "./helpers/autofix-repo.js";
import { type AutofixWorld, RAISE_TIMEOUT, useAutofixWorlds } from "./helpers/autofix-world.js";

const cargo = await cargoAvailable();
if (!cargo.ok && process.env.CI !== "true") console.warn(`autofix-pr.test.ts: skipping, ${cargo.reason}`);

const world = useAutofixWorlds();

const worktreeCount = async (w: AutofixWorld) =>
  (await w.repo.git(w.repo.work, ["worktree", "list", "--porcelain"]))
    .split("\n")
    .filter((l) => l.startsWith("worktree ")).length;

beforeAll(() => {
  if (!cargo.ok && process.env.CI === "true")
    throw new Error(`CI=true but ${cargo.reason}: .ci/run must install the Rust toolchain`);
}, 5000);

describe.skipIf(!cargo.ok && process.env.CI !== "true")("autofix with real git and cargo", () => {
  it("TIMEOUT_SECS 30 -> 60: the tests pass, the branch is pushed, a draft PR is opened and linked", async () => {
    const w = await world();
    const before = await w.repo.snapshot();
    const originMain = await w.repo.git(w.repo.origin, ["rev-parse", "main"]);
    const incident = await w.incident(RAISE_TIMEOUT);
    // The GitHub sink filed the incident's issue already: the PR must refer to it.
    await w.store.ensureDeliveries(incident.id, ["github"], w.clock.now);
    const issueUrl = "https://github.example/acme/server/issues/7";
    await w.store.updateDelivery(incident.id, "github", { state: "sent", remoteRef: issueUrl }, w.clock.now);

    const stored = await w.deliver(incident);

    const [pull] = w.github.pulls;
    expect(w.github.pulls).toHaveLength(1);
    expect(pull).toMatchObject({ draft: true, state: "open", base: { ref: "main" } });
    expect(pull!.head.ref).toMatch(/^fix\/AI_003-\d{8}T\d{6}Z-\d+$/);
    const delivery = stored.deliveries.find((d) => d.sink === "autofix");
    expect(delivery).toMatchObject({
      state: "sent",
      remoteRef: pull!.html_url,
      lastError: null,
      attempts: 1,
    });
    expect(incidentToJson(stored).deliveries).toContainEqual(
      expect.objectContaining({ sink: "autofix", state: "sent", remoteRef: pull!.html_url }),
    );
    // Discord's alert is re-rendered from the deliveries: it now links the PR.
    expect(incidentLinks(stored, null)).toContainEqual({ label: "Draft PR #1001", url: pull!.html_url });

    const body = pull!.body ?? "";
    expect(body).toContain("-pub const TIMEOUT_SECS: u64 = 30;\n+pub const TIMEOUT_SECS: u64 = 60;");
    expect(body).toMatch(/cargo test --offline passed in [\d.]+ s: 2 passed; 0 failed/);
    expect(body).toContain("TIMEOUT_SECS: 30 -> 60");
    expect(body).toContain("### Reviewer checklist");
    expect(body).toContain(`Refs ${issueUrl}`);
    expect(body).toContain(
      "<!-- ai-monitor:autofix-fingerprint=AI_003%3Aserver%3A%3Adomain%3A%3Aai%3A%3Aservice -->",
    );
    expect(body).toContain(`<!-- ai-monitor:autofix-incident=${incident.id} -->`);

    // The branch is on the remote, one commit on top of origin's main, with only the fix in it.
    const branch = pull!.head.ref;
    expect(await w.repo.remoteBranches()).toEqual(expect.arrayContaining(["main", branch]));
    expect(await w.repo.git(w.repo.origin, ["rev-parse", `${branch}~1`])).toBe(originMain);
    expect(await w.repo.git(w.repo.origin, ["diff", "--stat", "main", branch])).toMatch(
      /src\/domain\/ai\/service\.rs \| 2 \+-\n 1 file changed/,
    );
    expect(await w.repo.git(w.repo.origin, ["log", "-1", "--format=%an <%ae>%n%s%n%b", branch])).toMatch(
      /^ai-monitor <ai-monitor@example\.com>\nfix\(AI_003\): literal change[\s\S]*incident \d+/,
    );

    // Nothing left locally; the user's checkout is exactly as it was.
    expect(await w.repo.localBranches()).toEqual(["main", "wip"]);
    expect(await worktreeCount(w)).toBe(1);
    expect(await w.repo.snapshot()).toEqual(before);

    // After a crash the outbox asks: the PR is found by its incident marker.
    expect(await w.sink.lookup!(stored, "opened")).toBe(pull!.html_url);
    expect(await w.replica().lookup!(stored, "opened")).toBe(pull!.html_url);
  });

  it("never opens a second PR for a fingerprint that has an open one: the new incident links the open PR", async () => {
    const w = await world();
    const signal = {
      fingerprint: "AI_003:server::domain::ai::service",
      target: "server::domain::ai::service",
    };
    const first = await w.deliver(await w.incident(RAISE_TIMEOUT, { signal }));
    w.clock.now += 10 * 60_000; // the next 5-minute window: a new incident, same fingerprint
    const second = await w.deliver(await w.incident(RAISE_TIMEOUT, { signal }));

    expect(w.github.pulls).toHaveLength(1);
    const url = w.github.pulls[0]!.html_url;
    expect(first.deliveries.find((d) => d.sink === "autofix")?.remoteRef).toBe(url);
    expect(second.deliveries.find((d) => d.sink === "autofix")).toMatchObject({
      state: "sent",
      remoteRef: url,
    });
    expect(w.attempts.map((a) => a.kind)).toEqual(["created", "existing"]);
    expect(await w.repo.remoteBranches()).toHaveLength(2);
  });

  it("an edit that breaks a test is rolled back: no branch anywhere, the failure is recorded", async () => {
    const w = await world();
    const before = await w.repo.snapshot();
    const incident = await w.incident({ ...RAISE_TIMEOUT, replace: "pub const TIMEOUT_SECS: u64 = 600;" });

    const stored = await w.deliver(incident);

    expect(w.github.pulls).toEqual([]);
    const delivery = stored.deliveries.find((d) => d.sink === "autofix");
    expect(delivery).toMatchObject({ state: "failed", attempts: 1 });
    expect(delivery?.lastError).toMatch(
      /^tests failed, change rolled back: cargo test --offline failed \(exit 101\).*1 passed; 1 failed/,
    );
    const json = incidentToJson(stored).deliveries.find((d) => d.sink === "autofix");
    expect(json?.lastError).toContain("tests failed");
    const [attempt] = w.attempts;
    expect(attempt?.kind).toBe("tests-failed");
    expect(attempt?.kind === "tests-failed" && attempt.test.outputTail).toContain("TIMEOUT_SECS = 600");

    expect(await w.repo.remoteBranches()).toEqual(["main"]);
    expect(await w.repo.localBranches()).toEqual(["main", "wip"]);
    expect(await worktreeCount(w)).toBe(1);
    expect(await w.repo.snapshot()).toEqual(before);
    expect(w.logs.some((l) => l.includes('"outcome":"tests-failed"'))).toBe(true);
  });

  it("a PR GitHub fails to open: the pushed branch is deleted, the outbox retries, the retry opens it", async () => {
    const w = await world();
    w.github.failNext({ status: 502, method: "POST", message: "Bad Gateway" });
    const incident = await w.incident(RAISE_TIMEOUT);
    const first = await w.deliver(incident);
    expect(first.deliveries.find((d) => d.sink === "autofix")).toMatchObject({
      state: "pending",
      attempts: 1,
    });
    expect(first.deliveries.find((d) => d.sink === "autofix")?.lastError).toMatch(
      /^opening the draft PR: GitHub unavailable \(502\)/,
    );
    expect(await w.repo.remoteBranches()).toEqual(["main"]);
    expect(await worktreeCount(w)).toBe(1);

    const second = await w.deliver(first);
    expect(second.deliveries.find((d) => d.sink === "autofix")).toMatchObject({ state: "sent", attempts: 2 });
    expect(w.github.pulls).toHaveLength(1);
    expect(await w.repo.localBranches()).toEqual(["main", "wip"]);
  });

  it("tracks the PR: merged PRs / created PRs", async () => {
    const w = await world();
    await w.deliver(await w.incident(RAISE_TIMEOUT));
    const client = createGithubClient({
      token: w.github.token,
      apiUrl: w.github.apiUrl,
      log: silentLogger(),
      throttle: false,
      retryBaseMs: 1,
    });
    const tracker = createPrTracker({
      github: createAutofixGithub(client, w.github.repository),
      log: silentLogger(),
      now: () => w.clock.now,
      intervalMs: 0,
    });
    expect(autofixSuccessRate(await tracker.pollOnce())).toEqual({
      created: 1,
      open: 1,
      merged: 0,
      closed: 0,
      rate: 0,
    });
    mergeFakePull(w.github.pulls[0]!);
    const facts = await tracker.pollOnce();
    expect(facts[0]).toMatchObject({ state: "merged", fingerprint: "AI_003:server::domain::ai::service" });
    expect(autofixSuccessRate(facts).rate).toBe(1);
  });
});
