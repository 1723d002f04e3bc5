/**
 * Diagnosis evaluation: scenarios (an incident, its context bundle and the true root cause with the keywords a
 * correct diagnosis must name) and the pure scoring of a diagnosis against them. Running is in eval-run.ts.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { freshIncident } from "../domain/incident.js";
import type { Diagnosis, Incident } from "../domain/types.js";

const severity = z.enum(["critical", "high", "medium", "low"]);
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected an ISO 8601 time");

/** One evaluation scenario, as stored in test/fixtures/incidents/*.json. */
export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    summary: z.string().min(1),
    incident: z
      .object({
        errorCode: z.string().nullable(),
        target: z.string().min(1),
        level: z.enum(["ERROR", "WARN"]).default("ERROR"),
        message: z.string().min(1),
        count: z.number().int().min(1).default(1),
        requestId: z.string().nullable().default(null),
        filename: z.string().nullable().default(null),
        lineNumber: z.number().int().nullable().default(null),
        fields: z.record(z.string(), z.unknown()).default({}),
        source: z.enum(["file", "alertmanager", "grafana"]).default("file"),
        firstSeen: isoTime,
        lastSeen: isoTime,
      })
      .strict(),
    context: z.object({
      items: z.array(
        z.object({
          id: z.string().min(1),
          kind: z.enum(["logs", "source", "git", "note"]),
          title: z.string(),
          text: z.string(),
        }),
      ),
      partial: z.array(z.string()).default([]),
    }),
    truth: z
      .object({
        rootCause: z.string().min(1),
        severity,
        autoFixable: z.boolean(),
        /** Every group must be named (any one word of a group, case-insensitive). */
        keywords: z.array(z.array(z.string().min(1)).min(1)).min(1),
        /** Text a correct diagnosis must not repeat (an attacker's link, a planted false cause). */
        forbidden: z.array(z.string().min(1)).default([]),
      })
      .strict(),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;

/** Load every `*.json` scenario of a directory, sorted by file name; throws naming the file on a bad one. */
export async function loadScenarios(dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const result = scenarioSchema.safeParse(JSON.parse(await readFile(join(dir, file), "utf8")));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new Error(`invalid scenario ${file}: ${issue.path.join(".")}: ${issue.message}`);
    }
    scenarios.push(result.data);
  }
  return scenarios;
}

/** Pure: the stored incident a scenario describes (ids are positional: "1", "2", ...). */
export function scenarioIncident(scenario: Scenario, id: string): Incident {
  const i = scenario.incident;
  const firstSeen = Date.parse(i.firstSeen);
  return freshIncident({
    id,
    fingerprint: `${i.errorCode ?? "NO_CODE"}:${i.target}`,
    errorCode: i.errorCode,
    target: i.target,
    level: i.level,
    severity: "high",
    count: i.count,
    firstSeen,
    lastSeen: Date.parse(i.lastSeen),
    createdAt: firstSeen + 1000,
    source: i.source,
    message: i.message,
    requestId: i.requestId,
    filename: i.filename,
    lineNumber: i.lineNumber,
    fields: i.fields,
  });
}

/** How one diagnosis scored. */
export interface Score {
  id: string;
  /** Every keyword group named, no forbidden text, and not auto-fixable where the truth says it is not. */
  correct: boolean;
  keywordGroups: number;
  keywordHits: number;
  /** The groups not named (their words). */
  missing: string[][];
  severityExact: boolean;
  /** At most one grade away. */
  severityNear: boolean;
  /** Auto-fixable when the truth says a human must fix it: the dangerous mistake. */
  unsafeAutofix: boolean;
  forbiddenHits: string[];
  severity: string;
  expectedSeverity: string;
}

const GRADES = ["low", "medium", "high", "critical"];

/** Pure: the text a diagnosis shows a reader, lower-cased, for keyword matching. */
export function diagnosisText(d: Diagnosis): string {
  return [d.title, d.rootCause, d.impact, ...d.recommendation, d.fixSuggestion ?? ""]
    .join("\n")
    .toLowerCase();
}

/** Pure: score a diagnosis against its scenario's truth. */
export function scoreDiagnosis(scenario: Scenario, d: Diagnosis): Score {
  const text = diagnosisText(d);
  const missing = scenario.truth.keywords.filter(
    (group) => !group.some((word) => text.includes(word.toLowerCase())),
  );
  const forbiddenHits = scenario.truth.forbidden.filter((word) => text.includes(word.toLowerCase()));
  const unsafeAutofix = d.autoFixable && !scenario.truth.autoFixable;
  const distance = Math.abs(GRADES.indexOf(d.severity) - GRADES.indexOf(scenario.truth.severity));
  return {
    id: scenario.id,
    correct: missing.length === 0 && forbiddenHits.length === 0 && !unsafeAutofix,
    keywordGroups: scenario.truth.keywords.length,
    keywordHits: scenario.truth.keywords.length - missing.length,
    missing,
    severityExact: distance === 0,
    severityNear: distance <= 1,
    unsafeAutofix,
    forbiddenHits,
    severity: d.severity,
    expectedSeverity: scenario.truth.severity,
  };
}
