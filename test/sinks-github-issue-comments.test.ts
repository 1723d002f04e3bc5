import { describe, expect, it } from "vitest";
import { MAX_BODY_CHARS } from "../src/sinks/github/issue-body.js";
import {
  humanDuration,
  lastSentAt,
  occurrenceComment,
  resolvedComment,
  resolvedMarker,
  sentMarker,
} from "../src/sinks/github/issue-comments.js";
import { makeIncident } from "./helpers/dispatch-incident.js";

const AT = Date.parse("2026-11-26T09:30:00Z");
const T0 = Date.parse("2026-11-26T09:15:00Z");

/** What GitHub renders live: the comment without code blocks, code spans and HTML comments. */
const outsideCode = (markdown: string) =>
  markdown
    .replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, "")
    .replace(/(`+)[\s\S]*?\1/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");

describe("resolution comment", () => {
  it("says when it resolved, how long it fired and how often, and whether the issue closes", () => {
    const incident = makeIncident({ status: "resolved", resolvedAt: T0 + 47 * 60_000, count: 12 });
    const body = resolvedComment(incident, "http://grafana.local/explore?x", AT, true);
    expect(body).toContain(resolvedMarker(incident));
    expect(body).toContain(sentMarker("resolved", AT));
    expect(body).toContain("**Resolved** at 2026-11-26T10:02:00.000Z: incident `7`");
    expect(body).toContain("fired for **47 min** with **12** occurrence(s)");
    expect(body).toContain("Closing this issue");
    expect(body).toContain("[Logs in Grafana](http://grafana.local/explore?x)");
    expect(resolvedComment(incident, null, AT, false)).toContain("Leaving this issue open");
  });

  it("names each resolution of an incident apart (a reopened incident resolves again)", () => {
    const first = makeIncident({ resolvedAt: T0 + 60_000 });
    expect(resolvedMarker(first)).toBe(`<!-- ai-monitor:resolved=7@${T0 + 60_000} -->`);
    expect(resolvedMarker({ ...first, resolvedAt: T0 + 120_000 })).not.toBe(resolvedMarker(first));
  });

  it("keeps hostile identifiers inert: no mention, reference or link outside code", () => {
    const incident = makeIncident({
      errorCode: "@everyone",
      target: "owner/repo#12 https://evil.example",
      resolvedAt: T0 + 1000,
    });
    const live = outsideCode(resolvedComment(incident, null, AT, true));
    expect(live).not.toMatch(/@everyone|#12|https?:\/\/evil/);
  });
});

describe("occurrence comment", () => {
  it("says new occurrence on an open issue, recurred when reopening, and why a closed one stays closed", () => {
    const incident = makeIncident({ id: "9", count: 4 });
    expect(occurrenceComment(incident, null, AT)).toMatch(
      /\*\*New occurrence:\*\* incident `9` with \*\*4\*\* occurrence/,
    );
    const reopening = occurrenceComment(incident, null, AT, "reopening");
    expect(reopening).toMatch(/^<!-- ai-monitor:incident=9 -->\n<!-- ai-monitor:sent=occurrence@\d+ -->/);
    expect(reopening).toContain("**Recurred** at 2026-11-26T09:15:00.000Z: incident `9` with **4**");
    expect(reopening).toContain("reopening it");
    expect(occurrenceComment(incident, null, AT, "closed-not-planned")).toContain("closed as not planned");
  });

  it("stays within GitHub's 65,536 characters however long the log line is", () => {
    const incident = makeIncident({ message: "x".repeat(200_000), diagnosis: null });
    expect(occurrenceComment(incident, null, AT).length).toBeLessThanOrEqual(MAX_BODY_CHARS);
  });
});

describe("stamps", () => {
  it("finds the latest stamp of a kind, ignoring other kinds and people's comments", () => {
    const bodies = [
      `${sentMarker("occurrence", 5000)} x`,
      "a human comment",
      null,
      `${sentMarker("resolved", 9000)}`,
      `${sentMarker("occurrence", 7000)}`,
    ];
    expect(lastSentAt(bodies, "occurrence")).toBe(7000);
    expect(lastSentAt(bodies, "resolved")).toBe(9000);
    expect(lastSentAt(["<!-- ai-monitor:incident=1 -->"], "occurrence")).toBeNull();
  });

  it("formats durations for people", () => {
    expect(humanDuration(42_000)).toBe("42 s");
    expect(humanDuration(7 * 60_000 + 5000)).toBe("7 min 5 s");
    expect(humanDuration(3 * 3_600_000 + 12 * 60_000)).toBe("3 h 12 min");
    expect(humanDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe("2 d 4 h");
    expect(humanDuration(-5)).toBe("0 s");
  });
});
