import { describe, expect, it } from "vitest";
import type { Incident } from "../src/domain/types.js";
import { formatIncidentCard, plainText } from "../src/sinks/console-card.js";
import { makeDiagnosis, makeIncident } from "./helpers/incident.js";

const base: Incident = makeIncident({
  id: "7",
  fingerprint: "DB_001:server::infra::db::pool",
  errorCode: "DB_001",
  target: "server::infra::db::pool",
  severity: "critical",
  count: 3,
  firstSeen: Date.parse("2026-11-26T09:15:11Z"),
  lastSeen: Date.parse("2026-11-26T09:16:00Z"),
  createdAt: 0,
  message: "failed to acquire connection from pool after 5000ms",
  requestId: "req_1c2d3e",
  filename: "src/infra/db/pool.rs",
  lineNumber: 42,
  diagnosis: makeDiagnosis({
    severity: "critical",
    title: "Database connection pool exhausted",
    rootCause: "All pool connections are busy.",
    impact: "Requests fail.",
    recommendation: ["Look for slow queries.", "Check pool size."],
    runbookUrl: null,
    skippedReason: "diagnosis skipped: the limit of 10 diagnoses per hour is reached; basic alert only",
  }),
});

describe("formatIncidentCard", () => {
  it("shows what on-call needs first", () => {
    const card = formatIncidentCard(base, "opened", false);
    expect(card.split("\n")[0]).toBe(
      "━━ CRITICAL #7 [DB_001] failed to acquire connection from pool after 5000ms",
    );
    expect(card).toContain("src/infra/db/pool.rs:42");
    expect(card).toContain("count       3");
    expect(card).toContain("request req_1c2d3e");
    expect(card).toContain("- Check pool size.");
    expect(card).toContain("note        diagnosis skipped: the limit of 10");
  });
  it("announces a resolution on one line", () => {
    const card = formatIncidentCard(
      { ...base, status: "resolved", resolvedAt: Date.parse("2026-11-26T10:00:00Z") },
      "resolved",
      false,
    );
    expect(card).toBe(
      "✔ RESOLVED #7 [DB_001] failed to acquire connection from pool after 5000ms (server::infra::db::pool) at 2026-11-26T10:00:00.000Z\n",
    );
  });
});

describe("untrusted error codes", () => {
  it("cannot smuggle terminal escapes or bidi overrides through the error code", () => {
    const card = formatIncidentCard(
      makeIncident({ errorCode: "X\u001b]0;PWNED\u0007\u001b[2J\u202eFAKE" }),
      "opened",
      false,
    );
    for (const smuggled of ["\u001b", "\u0007", "\u202e"]) expect(card).not.toContain(smuggled);
  });
});

describe("plainText", () => {
  it("strips terminal escapes and control characters from untrusted text", () => {
    expect(plainText("ok\x1b[2J\x1b]0;pwned\x07 done\r\nnext")).toBe("ok ]0;pwned  done ⏎ next");
    expect(plainText("a".repeat(10), 5)).toBe("aaaa…");
  });
});
