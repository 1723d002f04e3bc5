import { describe, expect, it } from "vitest";
import {
  autofixFingerprintMarker,
  autofixIncidentMarker,
  commitMessage,
  parseAutofixMarkers,
  prBody,
  prTitle,
} from "../src/autofix/pr-body.js";
import { hostileIncident, makeDiagnosis, makeIncident } from "./helpers/dispatch-incident.js";

const test = {
  passed: true,
  exitCode: 0,
  timedOut: false,
  durationMs: 2100,
  outputTail: "test result: ok. 2 passed; 0 failed; 0 ignored",
  summary: "cargo test passed in 2.1 s: 2 passed; 0 failed; 0 ignored",
};
const diff = "--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,1 +1,1 @@\n-const A: u8 = 1;\n+const A: u8 = 2;\n";
const input = (incident = makeIncident()) => ({
  incident,
  ruleDetail: "literal change in a const/static item (A: 1 -> 2)",
  path: "src/a.rs",
  diff,
  test,
  baseBranch: "main",
  issueUrl: "https://github.com/acme/server/issues/12",
});

/** What GitHub renders live: the body without code blocks, code spans and HTML comments. */
const outsideCode = (md: string) =>
  md
    .replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, "")
    .replace(/(`+)[\s\S]*?\1/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");

describe("prBody", () => {
  it("shows the incident, the diagnosis, the diff, the tests, the checklist and the issue", () => {
    const body = prBody(input());
    expect(body).toContain("**draft**");
    expect(body).toContain("```diff\n--- a/src/a.rs");
    expect(body).toContain("✅ cargo test passed in 2.1 s: 2 passed; 0 failed; 0 ignored");
    expect(body).toContain("- [ ] The new value is right for production");
    expect(body).toContain("Refs https://github.com/acme/server/issues/12");
    expect(parseAutofixMarkers(body)).toEqual({
      incidentId: "7",
      fingerprint: "AI_003:server::domain::ai::service",
    });
  });

  it("keeps hostile log text inert: no mentions, links or markup outside code", () => {
    const body = prBody({ ...input(hostileIncident()), issueUrl: null });
    const live = outsideCode(body);
    expect(live).not.toMatch(/@everyone|<@&|https:\/\/evil|\]\(/);
    expect(live).not.toContain("Refs");
    expect(body).not.toContain("CANARY");
  });

  it("markers survive a fingerprint that tries to close the comment", () => {
    const fingerprint = "X:--> <script>";
    expect(autofixFingerprintMarker(fingerprint)).not.toMatch(/-->.*-->/);
    const body = `${autofixFingerprintMarker(fingerprint)}\n${autofixIncidentMarker("a b")}`;
    expect(parseAutofixMarkers(body)).toEqual({ incidentId: "a b", fingerprint });
    expect(parseAutofixMarkers("no markers")).toBeNull();
  });
});

describe("titles and commits", () => {
  it("titles the PR with the code and the diagnosis", () => {
    const incident = makeIncident({ diagnosis: makeDiagnosis({ title: "Claude calls time out" }) });
    expect(prTitle(incident)).toBe("[autofix] AI_003: Claude calls time out");
    expect(
      prTitle(makeIncident({ diagnosis: makeDiagnosis({ title: "x".repeat(400) }) })).length,
    ).toBeLessThanOrEqual(256);
  });

  it("names the incident in the commit message", () => {
    expect(commitMessage(makeIncident(), "literal change (A: 1 -> 2)")).toMatch(
      /^fix\(AI_003\): literal change \(A: 1 -> 2\)\n\nProposed by ai-monitor for incident 7 /,
    );
  });
});
