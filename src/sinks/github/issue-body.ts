/**
 * Pure: the GitHub issue (title, labels, body) for an incident (its later comments: issue-comments.ts). Log
 * text appears only in code blocks or escaped; hidden markers carry the fingerprint and the incident id so that
 * a restart can find what it already created instead of creating it twice.
 * @see https://docs.github.com/en/rest/issues/issues#create-an-issue
 */

import { VERDICT_PROMPT } from "../../domain/incident-page.js";
import { redactFields } from "../../domain/redact.js";
import type { Incident } from "../../domain/types.js";
import { truncateCodePoints } from "../truncate.js";
import { codeBlock, githubCode, githubText, githubTitleText } from "./safe-markdown.js";

/** The label every ai-monitor issue carries (and the one lookups filter by). */
export const ISSUE_LABEL = "ai-monitor";
/** GitHub refuses longer titles. */
export const MAX_TITLE_CHARS = 256;
/** GitHub refuses bodies over 65536 characters; stay clear of it. */
export const MAX_BODY_CHARS = 60_000;

/** Pure: the hidden marker naming the fingerprint; encoded so it cannot close the HTML comment. */
export function fingerprintMarker(fingerprint: string): string {
  const safe = encodeURIComponent(fingerprint).replace(
    /[-!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16)}`,
  );
  return `<!-- ai-monitor:fingerprint=${safe} -->`;
}

/** Pure: the hidden marker naming one incident (in the issue body, or the comment it added). */
export function incidentMarker(incidentId: string): string {
  return `<!-- ai-monitor:incident=${encodeURIComponent(incidentId)} -->`;
}

/** Pure: `[AI_003] <message> (<target>)`, at most 256 characters. */
export function issueTitle(incident: Incident): string {
  const code = githubTitleText(incident.errorCode ?? "NO_CODE");
  const target = ` (${githubTitleText(incident.target)})`;
  const head = `[${code}] `;
  const room = MAX_TITLE_CHARS - head.length - Math.min(target.length, 100);
  return `${head}${truncateCodePoints(githubTitleText(incident.message), room)}${truncateCodePoints(target, 100)}`;
}

/** Pure: labels: ai-monitor, the severity, and the error code when it is a plausible label name. */
export function issueLabels(incident: Incident): string[] {
  const severity = incident.diagnosis?.severity ?? incident.severity;
  const labels = [ISSUE_LABEL, `severity:${severity}`];
  if (incident.errorCode && /^[A-Za-z0-9_.:-]{1,50}$/.test(incident.errorCode))
    labels.push(incident.errorCode);
  return labels;
}

const iso = (ms: number) => new Date(ms).toISOString();

function facts(incident: Incident): string {
  const where = incident.filename
    ? ` (${githubCode(`${incident.filename}${incident.lineNumber ? `:${incident.lineNumber}` : ""}`)})`
    : "";
  const severity = incident.diagnosis?.severity ?? incident.severity;
  return [
    `**Severity:** ${severity} · **Error code:** ${githubCode(incident.errorCode ?? "none", 60)} · ` +
      `**Occurrences:** ${incident.count}`,
    `**Target:** ${githubCode(incident.target)}${where}`,
    `**First seen:** ${iso(incident.firstSeen)} · **Last seen:** ${iso(incident.lastSeen)}` +
      (incident.requestId ? ` · **Request:** ${githubCode(incident.requestId, 100)}` : ""),
  ].join("  \n");
}

function diagnosisSection(incident: Incident): string {
  const d = incident.diagnosis;
  if (!d) return "## Diagnosis\n_Not diagnosed yet: basic alert._";
  const parts = [
    `## Diagnosis\n**${githubText(d.title, true)}**`,
    githubText(d.rootCause),
    `**Impact:** ${githubText(d.impact)}`,
  ];
  if (d.skippedReason) parts.push(`_${githubText(d.skippedReason, true)}_`);
  if (d.recommendation.length > 0)
    parts.push(
      `## Recommendations\n${d.recommendation.map((s, i) => `${i + 1}. ${githubText(s, true)}`).join("\n")}`,
    );
  if (d.autoFixable && d.fixSuggestion)
    parts.push(`**Suggested fix:**\n${codeBlock(d.fixSuggestion, "text", 3000)}`);
  return parts.join("\n\n");
}

function evidence(incident: Incident, budget: number): string {
  const parts = [
    "## Evidence",
    `Log message:\n${codeBlock(incident.message, "text", 2000)}`,
    `Fields:\n${codeBlock(JSON.stringify(redactFields(incident.fields), null, 2), "json", 4000)}`,
  ];
  let used = parts.join("\n\n").length;
  const cited = new Set(incident.diagnosis?.evidence ?? []);
  const items = (incident.context?.items ?? []).filter((item) => cited.size === 0 || cited.has(item.id));
  for (const item of items) {
    const block =
      `<details><summary>${githubText(`${item.id}: ${item.title}`, true)}</summary>\n\n` +
      `${codeBlock(item.text, "text", 6000)}\n\n</details>`;
    if (used + block.length + 2 > budget) break;
    parts.push(block);
    used += block.length + 2;
  }
  return parts.join("\n\n");
}

/** A verdict in one click on the page, or as a reaction on the issue itself (read by ai-monitor). */
function verdictLine(incident: Incident, pageUrl: string | null): string | null {
  if (!incident.diagnosis) return null;
  const page = pageUrl ? `[${VERDICT_PROMPT}](${pageUrl}), or react` : "Was this diagnosis right? React";
  return `**${page} 👍 or 👎 to this issue.**`;
}

function footer(incident: Incident, exploreUrl: string | null): string {
  const d = incident.diagnosis;
  const bits = [
    d
      ? `Diagnosed by ${githubCode(d.by, 60)} (confidence ${Math.round(d.confidence * 100)}%, cost $${d.costUsd.toFixed(4)})`
      : null,
    `incident ${githubCode(incident.id, 40)}`,
    `fingerprint ${githubCode(incident.fingerprint, 200)}`,
    exploreUrl ? `[Logs in Grafana](${exploreUrl})` : null,
    d?.by === "offline" && d.runbookUrl && /^https?:\/\/[^\s()]+$/.test(d.runbookUrl)
      ? `[Runbook](${d.runbookUrl})`
      : null,
  ];
  return `---\n<sub>${bits.filter(Boolean).join(" · ")}</sub>`;
}

/** Pure: the issue body: markers, facts, diagnosis, recommendations, evidence in code blocks, links. */
export function issueBody(
  incident: Incident,
  exploreUrl: string | null,
  pageUrl: string | null = null,
): string {
  const head = [fingerprintMarker(incident.fingerprint), incidentMarker(incident.id), facts(incident)].join(
    "\n",
  );
  const verdict = verdictLine(incident, pageUrl);
  const rest = [
    verdict ? `${diagnosisSection(incident)}\n\n${verdict}` : diagnosisSection(incident),
    footer(incident, exploreUrl),
  ];
  const fixed = head.length + rest.join("\n\n").length + 8;
  const body = [head, rest[0], evidence(incident, MAX_BODY_CHARS - fixed), rest[1]].join("\n\n");
  return body.length <= MAX_BODY_CHARS ? body : `${body.slice(0, MAX_BODY_CHARS - 20)}\n\n_(truncated)_`;
}
