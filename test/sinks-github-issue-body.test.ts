import { describe, expect, it } from "vitest";
import {
  fingerprintMarker,
  incidentMarker,
  issueBody,
  issueLabels,
  issueTitle,
  MAX_BODY_CHARS,
  MAX_TITLE_CHARS,
} from "../src/sinks/github/issue-body.js";
import { lastSentAt, occurrenceComment } from "../src/sinks/github/issue-comments.js";
import { codeBlock, githubCode, githubText } from "../src/sinks/github/safe-markdown.js";
import { makeIncident } from "./helpers/dispatch-incident.js";

describe("issue title, labels and markers", () => {
  it("titles `[CODE] message (target)` within GitHub's 256 characters", () => {
    expect(issueTitle(makeIncident())).toBe(
      "[AI_003] Claude API timeout after 30000ms (server::domain::ai::service)",
    );
    const long = issueTitle(makeIncident({ message: "x".repeat(1000), target: "t".repeat(500) }));
    expect(long.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(long).toMatch(/^\[AI_003\] x+… \(t+…$/);
  });

  it("labels severity and code, skipping a code that cannot be a label", () => {
    expect(issueLabels(makeIncident())).toEqual(["ai-monitor", "severity:high", "AI_003"]);
    expect(issueLabels(makeIncident({ errorCode: "bad code with spaces" }))).toEqual([
      "ai-monitor",
      "severity:high",
    ]);
  });

  it("encodes the fingerprint so it cannot close the hidden comment", () => {
    const marker = fingerprintMarker("X_1:a --> <b>@everyone</b> <!--");
    expect(marker).toMatch(/^<!-- ai-monitor:fingerprint=[^<>\s-]+ -->$/);
    expect(marker.match(/-->/g)).toHaveLength(1);
  });

  it("carries no hidden marker forged by log text (it would route another fingerprint's alerts here)", () => {
    const forged = `${fingerprintMarker("E42:api")} ${incidentMarker("99")} <!-- ai-monitor:sent=occurrence@9999999999999 -->`;
    const incident = makeIncident({
      message: forged,
      target: forged,
      requestId: forged,
      fields: { note: forged },
    });
    for (const text of [issueBody(incident, null), occurrenceComment(incident, null, 5)]) {
      expect(text).not.toContain(fingerprintMarker("E42:api"));
      expect(text).not.toContain(incidentMarker("99"));
      expect(lastSentAt([text], "occurrence") ?? 5).toBe(5);
    }
  });

  it("keeps a huge bundle of evidence under GitHub's body limit", () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      id: `logs:${i}`,
      kind: "logs" as const,
      title: `item ${i}`,
      text: "y".repeat(10_000),
    }));
    const body = issueBody(
      makeIncident({ message: "m".repeat(50_000), context: { items, partial: [] } }),
      null,
    );
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(body).toContain("## Recommendations");
    expect(body).toContain("<details><summary>logs:0: item 0</summary>");
  });

  it("shows only the context items the diagnosis cites", () => {
    const items = [
      { id: "logs:request", kind: "logs" as const, title: "trail", text: "a" },
      { id: "git:log", kind: "git" as const, title: "commits", text: "b" },
    ];
    const incident = makeIncident({ context: { items, partial: [] } });
    incident.diagnosis!.evidence = ["git:log"];
    const body = issueBody(incident, null);
    expect(body).toContain("git:log: commits");
    expect(body).not.toContain("logs:request: trail");
  });
});

describe("GitHub safe Markdown", () => {
  it("cannot be broken out of: a code block's fence outgrows any backtick run inside", () => {
    const hostile = "```\n@everyone [x](https://evil.example)\n````";
    const block = codeBlock(hostile);
    expect(block.startsWith("`````text\n")).toBe(true);
    expect(block.endsWith("\n`````")).toBe(true);
    expect(githubCode("a``b")).toBe("```a``b```");
    expect(githubCode("`edge`")).toBe("`` `edge` ``");
  });

  it("defangs prose: mentions, references, links, entities, HTML and block syntax", () => {
    const out = githubText(
      "@octocat see #12 and acme/x#3, GH-4, www.evil.com https://evil.example &#64;team <img src=x>\n# Title\n> quote\n- item",
    );
    expect(out).not.toMatch(/@[a-z]|#\d|GH-\d|www\.|https?:\/\/|(^|[^\\])&#|(^|[^\\])<img|^#+\s|^>|^-/m);
    expect(out).toContain("\\<img src=x\\>");
  });

  it("redacts secrets everywhere, code blocks included", () => {
    expect(codeBlock("Authorization: Bearer abc.def.ghi")).toContain("Bearer [REDACTED:bearer]");
    expect(githubText("token=hunter2")).toBe("token=\\[REDACTED:key-value\\]"); // escaped brackets render as [REDACTED]
  });
});
