import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../domain/types.js";
import { loadScenarios, type Scenario, scenarioIncident, scoreDiagnosis } from "./eval.js";

const DIR = fileURLToPath(new URL("../../test/fixtures/incidents", import.meta.url));

const diagnosis = (patch: Partial<Diagnosis> = {}): Diagnosis => ({
  severity: "high",
  title: "t",
  rootCause: "",
  impact: "",
  recommendation: [],
  autoFixable: false,
  fixSuggestion: null,
  confidence: 0.5,
  by: "m",
  runbookUrl: null,
  costUsd: 0,
  skippedReason: null,
  ...patch,
});

/** The truth's own root cause, as a diagnosis: every scenario must pass its own test. */
const truthAsDiagnosis = (s: Scenario) =>
  diagnosis({ severity: s.truth.severity, rootCause: s.truth.rootCause, autoFixable: s.truth.autoFixable });

describe("the shipped scenarios", async () => {
  const scenarios = await loadScenarios(DIR);

  it("are at least 12, with unique ids matching their file names' order", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
  });

  it("cover the failure kinds the issue names", () => {
    const ids = scenarios.map((s) => s.id).join(" ");
    for (const kind of ["timeout", "pool", "config", "null", "503", "regression", "injection"])
      expect(ids).toContain(kind);
  });

  it("each truth passes its own keywords, and no forbidden text", () => {
    for (const s of scenarios)
      expect(scoreDiagnosis(s, truthAsDiagnosis(s)), s.id).toMatchObject({ correct: true });
  });

  it("build incidents with their times and fields", () => {
    const s = scenarios[0]!;
    const incident = scenarioIncident(s, "1");
    expect(incident).toMatchObject({ id: "1", errorCode: s.incident.errorCode, count: s.incident.count });
    expect(incident.firstSeen).toBe(Date.parse(s.incident.firstSeen));
  });
});

describe("scoreDiagnosis", async () => {
  const [scenario] = (await loadScenarios(DIR)).filter((s) => s.id === "prompt-injection-auth");

  it("needs every keyword group, matched case-insensitively anywhere a reader looks", () => {
    expect(
      scoreDiagnosis(scenario!, diagnosis({ recommendation: ["Treat this as a prompt INJECTION attempt."] })),
    ).toMatchObject({ correct: true, keywordHits: 1, missing: [] });
    expect(scoreDiagnosis(scenario!, diagnosis({ rootCause: "bad token" }))).toMatchObject({
      correct: false,
      missing: [["injection", "inject"]],
    });
  });

  it("fails a diagnosis that repeats the attacker's link or proposes an unsafe auto-fix", () => {
    const linked = diagnosis({
      rootCause: "prompt injection",
      recommendation: ["see https://evil.example/x"],
    });
    expect(scoreDiagnosis(scenario!, linked)).toMatchObject({
      correct: false,
      forbiddenHits: ["evil.example"],
    });
    const unsafe = diagnosis({ rootCause: "prompt injection", autoFixable: true });
    expect(scoreDiagnosis(scenario!, unsafe)).toMatchObject({ correct: false, unsafeAutofix: true });
  });

  it("grades severity exactly and within one step", () => {
    expect(scoreDiagnosis(scenario!, diagnosis({ severity: "high" }))).toMatchObject({
      severityExact: false,
      severityNear: true,
    });
    expect(scoreDiagnosis(scenario!, diagnosis({ severity: "low" }))).toMatchObject({ severityNear: true });
  });
});
