import { describe, expect, it } from "vitest";
import {
  COMMENT_INTERVAL_MS,
  type CommentFacts,
  type IssueFacts,
  planRecurrence,
  planResolution,
  rateLimited,
  settled,
} from "./issue-lifecycle.js";
import { issueFacts, issueNumberOf } from "./issue-remote.js";

const NOW = Date.parse("2026-11-26T10:00:00Z");
const open: IssueFacts = { state: "open", stateReason: null, ours: true, labels: ["ai-monitor"] };
const closed = (stateReason: string | null): IssueFacts => ({ ...open, state: "closed", stateReason });
const fresh: CommentFacts = { done: false, lastSentAt: null };
const REOPEN = { state: "open", state_reason: "reopened" };
const CLOSE = { state: "closed", state_reason: "completed" };

describe("planRecurrence: a new incident of a fingerprint that has an issue", () => {
  it("comments once on the open issue", () => {
    expect(planRecurrence(open, fresh, NOW)).toEqual({ comment: "open", setState: null });
    expect(settled(planRecurrence(open, { ...fresh, done: true }, NOW))).toBe(true);
  });

  it.each([["completed"], [null], ["reopened"]])(
    "reopens an issue closed as %s, with a comment saying so",
    (reason) => {
      expect(planRecurrence(closed(reason), fresh, NOW)).toEqual({ comment: "reopening", setState: REOPEN });
    },
  );

  it.each([["not_planned"], ["duplicate"]])(
    "leaves an issue closed as %s closed: a comment only",
    (reason) => {
      expect(planRecurrence(closed(reason), fresh, NOW)).toEqual({
        comment: "closed-not-planned",
        setState: null,
      });
    },
  );

  it("after a crash between the comment and the reopen, only reopens", () => {
    expect(planRecurrence(closed("completed"), { ...fresh, done: true }, NOW)).toEqual({
      comment: null,
      setState: REOPEN,
    });
  });

  it("skips the comment while the last one is recent, but still reopens", () => {
    const recent = { done: false, lastSentAt: NOW - COMMENT_INTERVAL_MS + 1 };
    expect(planRecurrence(open, recent, NOW)).toEqual({ comment: null, setState: null });
    expect(planRecurrence(closed("completed"), recent, NOW)).toEqual({ comment: null, setState: REOPEN });
    const old = { done: false, lastSentAt: NOW - COMMENT_INTERVAL_MS };
    expect(planRecurrence(open, old, NOW).comment).toBe("open");
  });
});

describe("planResolution: the incident resolved", () => {
  it("comments and closes ai-monitor's open issue as completed", () => {
    expect(planResolution(open, fresh, NOW, true)).toEqual({ comment: "resolved", setState: CLOSE });
  });

  it("only comments with closeOnResolve off, or on an issue labelled keep-open", () => {
    expect(planResolution(open, fresh, NOW, false)).toEqual({ comment: "resolved", setState: null });
    const kept = { ...open, labels: ["ai-monitor", "keep-open"] };
    expect(planResolution(kept, fresh, NOW, true)).toEqual({ comment: "resolved", setState: null });
  });

  it("touches neither an issue a human closed nor one ai-monitor did not open", () => {
    expect(settled(planResolution(closed("completed"), fresh, NOW, true))).toBe(true);
    expect(settled(planResolution(closed("not_planned"), fresh, NOW, true))).toBe(true);
    expect(settled(planResolution({ ...open, ours: false }, fresh, NOW, true))).toBe(true);
  });

  it("after a crash between the comment and the close, only closes; a flapping resolution only closes", () => {
    expect(planResolution(open, { ...fresh, done: true }, NOW, true)).toEqual({
      comment: null,
      setState: CLOSE,
    });
    expect(planResolution(open, { done: false, lastSentAt: NOW - 1000 }, NOW, true)).toEqual({
      comment: null,
      setState: CLOSE,
    });
  });
});

describe("helpers", () => {
  it("rate-limits either way around the stamp, so a clock stepping back cannot unlock a burst", () => {
    expect(rateLimited(null, NOW, 1000)).toBe(false);
    expect(rateLimited(NOW - 999, NOW, 1000)).toBe(true);
    expect(rateLimited(NOW + 999, NOW, 1000)).toBe(true);
    expect(rateLimited(NOW - 1000, NOW, 1000)).toBe(false);
  });

  it("reads the issue number of a recorded issue URL, and nothing else", () => {
    expect(issueNumberOf("https://github.com/acme/server/issues/42")).toBe(42);
    expect(issueNumberOf("https://github.com/acme/server/pull/42")).toBeNull();
    expect(issueNumberOf("dry-run")).toBeNull();
    expect(issueNumberOf(null)).toBeNull();
  });

  it("calls an issue ai-monitor's when its body carries the fingerprint marker", () => {
    const issue = {
      number: 1,
      html_url: "",
      state: "closed",
      state_reason: "not_planned",
      body: "<!-- ai-monitor:fingerprint=AI_003%3Ax -->\nfacts",
      labels: ["ai-monitor", { name: "keep-open" }],
    };
    expect(issueFacts(issue, "AI_003:x")).toEqual({
      state: "closed",
      stateReason: "not_planned",
      ours: true,
      labels: ["ai-monitor", "keep-open"],
    });
    expect(issueFacts(issue, "AI_003:y").ours).toBe(false);
  });
});
