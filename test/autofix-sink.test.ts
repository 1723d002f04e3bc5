import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../src/autofix/autofix-run.js";
import { autofixCandidate, createAutofixSink, outcomeToResult } from "../src/autofix/autofix-sink.js";
import type { AutofixGithub } from "../src/autofix/pr.js";
import { autofixSection } from "../src/config/autofix-section.js";
import { makeDiagnosis, makeIncident } from "./helpers/dispatch-incident.js";

const edit = { file: "src/a.rs", find: "const A: u8 = 1;", replace: "const A: u8 = 2;" };
const fixable = makeIncident({ diagnosis: makeDiagnosis({ autoFixable: true, proposedEdit: edit }) });

describe("outcomeToResult", () => {
  const test = { passed: false, exitCode: 101, timedOut: false, durationMs: 1, outputTail: "", summary: "x" };
  it.each<[AttemptOutcome, unknown]>([
    [
      { kind: "created", url: "https://g/pull/3", number: 3, branch: "b", rule: "r", test },
      { ok: true, remoteRef: "https://g/pull/3" },
    ],
    [
      { kind: "existing", url: "https://g/pull/2", number: 2 },
      { ok: true, remoteRef: "https://g/pull/2" },
    ],
    [
      { kind: "dry-run", text: "t" },
      { ok: true, remoteRef: null },
    ],
    [
      { kind: "denied", reason: "adds `unsafe`" },
      { ok: false, retryable: false, error: "denied: adds `unsafe`" },
    ],
    [
      { kind: "capped", reason: "daily cap reached" },
      { ok: false, retryable: false, error: "not attempted: daily cap reached" },
    ],
    [
      { kind: "tests-failed", reason: "tests failed", test },
      { ok: false, retryable: false, error: "tests failed" },
    ],
    [
      { kind: "error", retryable: true, retryAfterMs: 5, reason: "push" },
      { ok: false, retryable: true, retryAfterMs: 5, error: "push" },
    ],
  ])("%j", (outcome, result) => {
    expect(outcomeToResult(outcome)).toEqual(result);
  });
});

describe("autofixCandidate", () => {
  it.each([
    ["auto-fixable with an edit", fixable, true],
    ["not auto-fixable", makeIncident({ diagnosis: makeDiagnosis({ autoFixable: false }) }), false],
    [
      "auto-fixable without an edit",
      makeIncident({ diagnosis: makeDiagnosis({ autoFixable: true }) }),
      false,
    ],
    ["suppressed (a backfill)", { ...fixable, suppressed: "backfill" }, false],
    ["undiagnosed", makeIncident({ diagnosis: null }), false],
  ])("%s", (_name, incident, expected) => {
    expect(autofixCandidate(incident)).toBe(expected);
  });
});

describe("createAutofixSink", () => {
  const github: AutofixGithub = {
    findOpenPull: async () => null,
    createDraftPull: async () => {
      throw new Error("not here");
    },
    listPulls: async () => [],
  };
  const options = {
    git: async () => "",
    github,
    store: { takeToken: async () => true, getIncident: async () => null },
    options: autofixSection.parse({}),
    repoPath: "/nonexistent",
    log: pino({ level: "silent" }),
    now: () => 0,
  };

  it("accepts opened, auto-fixable incidents only, and provides a link", () => {
    const sink = createAutofixSink(options);
    expect(sink).toMatchObject({ name: "autofix", providesLink: true });
    expect(sink.accepts(fixable, "opened")).toBe(true);
    expect(sink.accepts(fixable, "resolved")).toBe(false);
  });

  it("records a denial as a permanent failure, with secrets cut from the reason", async () => {
    const secret = "ghp_SECRETSECRETSECRET";
    const outcomes: AttemptOutcome[] = [];
    const sink = createAutofixSink({
      ...options,
      secrets: [secret],
      onAttempt: (_i, o) => void outcomes.push(o),
    });
    const bad = makeIncident({
      diagnosis: makeDiagnosis({
        autoFixable: true,
        proposedEdit: { ...edit, file: `src/auth/${secret}.rs` },
      }),
    });
    const result = await sink.send(bad, "opened");
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.error).toMatch(/^denied: src\/auth\/\*\*\*\.rs matches the deny glob/);
    expect(outcomes.map((o) => o.kind)).toEqual(["denied"]);
  });

  it("runs one attempt at a time", async () => {
    let running = 0;
    let most = 0;
    const slow: AutofixGithub = {
      ...github,
      findOpenPull: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return {
          number: 1,
          url: "https://g/pull/1",
          state: "open",
          body: "",
          head: "b",
          createdAt: 0,
          closedAt: null,
          mergedAt: null,
        };
      },
    };
    const sink = createAutofixSink({ ...options, github: slow });
    const results = await Promise.all([1, 2, 3].map(() => sink.send(fixable, "opened")));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBe(1);
  });

  it("looks a PR up by the incident marker after a crash", async () => {
    const seen: string[] = [];
    const sink = createAutofixSink({
      ...options,
      github: {
        ...github,
        findOpenPull: async (marker) => {
          seen.push(marker);
          return null;
        },
      },
    });
    expect(await sink.lookup!(fixable, "opened")).toBeNull();
    expect(seen).toEqual(["<!-- ai-monitor:autofix-incident=7 -->"]);
  });
});
