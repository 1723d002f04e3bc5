import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalog, parseCatalog } from "../src/diagnose/catalog.js";
import { catalogDiagnosis, createOfflineDiagnoser } from "../src/diagnose/offline.js";
import type { Incident } from "../src/domain/types.js";
import { makeIncident } from "./helpers/incident.js";

const incident = (patch: Partial<Incident>): Incident =>
  makeIncident({ firstSeen: 0, lastSeen: 0, createdAt: 0, requestId: "req_1", ...patch });

describe("offline diagnosis from the shipped catalog", async () => {
  const catalog = await loadCatalog(null);

  it("loads the shipped catalog", () => {
    expect(DEFAULT_CATALOG_PATH).toMatch(/error-codes\.yaml$/);
    expect(catalog.get("AI_003")?.severity).toBe("high");
  });

  it("answers a known code with its title, severity and hints", async () => {
    const d = await createOfflineDiagnoser({ catalog }).diagnose({
      incident: incident({}),
      context: { items: [], partial: [] },
    });
    expect(d).toMatchObject({
      by: "offline",
      severity: "high",
      title: "Claude API timeout",
      autoFixable: false,
    });
    expect(d.recommendation.join(" ")).toContain("TIMEOUT_SECS");
    expect(d.costUsd).toBe(0);
    expect(d.skippedReason).toBeNull();
  });

  it("answers an unknown code from the level and asks for a catalog entry", () => {
    const d = catalogDiagnosis(
      incident({ errorCode: "PAY_042", message: "card declined" }),
      catalog,
      "rate limited",
    );
    expect(d.severity).toBe("high");
    expect(d.rootCause).toContain("PAY_042 is not in the catalog");
    expect(d.recommendation.join(" ")).toContain("Add PAY_042 to error-codes.yaml");
    expect(d.skippedReason).toBe("rate limited");
  });

  it("points at the source line when the log carries it", () => {
    const d = catalogDiagnosis(
      incident({ errorCode: null, filename: "src/domain/ai/service.rs", lineNumber: 88, message: "boom" }),
      catalog,
      null,
    );
    expect(d.recommendation[0]).toContain("src/domain/ai/service.rs:88");
    expect(d.recommendation[1]).toContain("error_code");
  });
});

describe("parseCatalog", () => {
  it("names each invalid entry's path", () => {
    expect(() =>
      parseCatalog(
        "AI_003:\n  title: x\n  severity: urgent\nbad-code:\n  title: y\n  severity: low\n",
        "c.yaml",
      ),
    ).toThrow(/c\.yaml: AI_003\.severity[\s\S]*c\.yaml: bad-code/);
  });
});
