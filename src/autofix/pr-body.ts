/**
 * Pure: the draft PR's title, body and commit message. Log text and the diagnosis (which may quote it) are
 * escaped or fenced; hidden markers carry the fingerprint (never two open autofix PRs for it) and the incident
 * (a restart finds the PR it already opened). The body names the incident's GitHub issue, which GitHub then
 * cross-links.
 * @see https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request
 */
import type { Incident } from "../domain/types.js";
import { codeBlock, githubCode, githubText, githubTitleText } from "../sinks/github/safe-markdown.js";
import { truncateCodePoints } from "../sinks/truncate.js";
import type { TestRun } from "./test-runner.js";

/** GitHub refuses bodies over 65536 characters. */
export const MAX_PR_BODY_CHARS = 60_000;

const encode = (value: string) =>
  encodeURIComponent(value).replace(/[-!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

/** Pure: the hidden marker naming the fingerprint of an autofix PR. */
export function autofixFingerprintMarker(fingerprint: string): string {
  return `<!-- ai-monitor:autofix-fingerprint=${encode(fingerprint)} -->`;
}

/** Pure: the hidden marker naming the incident an autofix PR was opened for. */
export function autofixIncidentMarker(incidentId: string): string {
  return `<!-- ai-monitor:autofix-incident=${encode(incidentId)} -->`;
}

/** Pure: the incident id and fingerprint from a PR body's markers (null when it is not an autofix PR). */
export function parseAutofixMarkers(
  body: string | null | undefined,
): { incidentId: string; fingerprint: string } | null {
  const incident = /<!-- ai-monitor:autofix-incident=(\S+) -->/.exec(body ?? "")?.[1];
  const fingerprint = /<!-- ai-monitor:autofix-fingerprint=(\S+) -->/.exec(body ?? "")?.[1];
  if (!incident || !fingerprint) return null;
  try {
    return { incidentId: decodeURIComponent(incident), fingerprint: decodeURIComponent(fingerprint) };
  } catch {
    return null;
  }
}

/** Pure: `[autofix] AI_003: <diagnosis title>`, at most 256 characters. */
export function prTitle(incident: Incident): string {
  const code = githubTitleText(incident.errorCode ?? "NO_CODE");
  const what = githubTitleText(incident.diagnosis?.title ?? incident.message);
  return truncateCodePoints(`[autofix] ${code}: ${what}`, 256);
}

/** Pure: the commit message, naming the incident. */
export function commitMessage(incident: Incident, ruleDetail: string): string {
  const code = (incident.errorCode ?? "NO_CODE").replace(/[^\w.:-]/g, "_").slice(0, 40);
  const subject = `fix(${code}): ${ruleDetail.replace(/\s+/g, " ")}`.slice(0, 100);
  return `${subject}\n\nProposed by ai-monitor for incident ${incident.id} (fingerprint ${incident.fingerprint.slice(0, 200)}).\nThe tests passed in the worktree; a human reviews and merges.\n`;
}

export interface PrBodyInput {
  incident: Incident;
  /** The policy's description of the change ("literal change in a const/static item (...)"). */
  ruleDetail: string;
  path: string;
  diff: string;
  test: TestRun;
  baseBranch: string;
  /** The incident's GitHub issue, when the GitHub sink filed one. */
  issueUrl: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** Pure: the PR body in GitHub Markdown. */
export function prBody(input: PrBodyInput): string {
  const { incident, test } = input;
  const d = incident.diagnosis;
  const issue = input.issueUrl && /^https:\/\/\S+$/.test(input.issueUrl) ? input.issueUrl : null;
  const head = [
    "## Automated fix proposal",
    "",
    "ai-monitor opened this **draft** because the diagnosis of an incident called it a small configuration fix, " +
      "the autofix policy allowed the change, and the tests passed. **A human reviews and merges it; " +
      "ai-monitor never merges.**",
    "",
    `**Incident:** ${githubCode(incident.id, 40)} · ${githubCode(incident.fingerprint)} · ` +
      `${incident.count} occurrence(s) from ${iso(incident.firstSeen)} to ${iso(incident.lastSeen)}` +
      (issue ? ` · issue: ${issue}` : ""),
    "",
    "### Diagnosis",
    d
      ? `**${githubText(d.title, true)}** (by ${githubCode(d.by, 60)}, confidence ${d.confidence.toFixed(2)})\n\n` +
        githubText(truncateCodePoints(d.rootCause, 2000))
      : "_No diagnosis._",
    "",
    "### Change",
    `${githubCode(input.path)}: ${githubCode(input.ruleDetail, 500)}`,
    "",
    codeBlock(input.diff, "diff", 12_000),
    "",
    "### Tests",
    `${test.passed ? "✅" : "❌"} ${githubText(test.summary, true)} (in the worktree, from ${githubCode(input.baseBranch, 80)}).`,
    "",
    "<details><summary>Test output (last lines)</summary>",
    "",
    codeBlock(test.outputTail, "text", 6000),
    "",
    "</details>",
    "",
    "### Reviewer checklist",
    "- [ ] The new value is right for production (load, upstream limits, cost), not only for this incident.",
    "- [ ] The diff changes only what the description says; nothing else in the file moved.",
    "- [ ] The diagnosis matches the evidence of the incident; the log text behind it is untrusted input.",
    "- [ ] A test covers the changed value, or the change is safe without one.",
    "- [ ] After merging and deploying, the incident's fingerprint stops recurring (or revert).",
    "",
  ];
  if (issue) head.push(`Refs ${issue}`, "");
  const markers = `${autofixFingerprintMarker(incident.fingerprint)}\n${autofixIncidentMarker(incident.id)}`;
  return `${truncateCodePoints(head.join("\n"), MAX_PR_BODY_CHARS - markers.length - 2)}\n${markers}\n`;
}
