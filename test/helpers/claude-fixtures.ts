/** Shared pieces of the Claude tests: an incident, a good answer, a diagnoser wired to the fake API. */
import { loadCatalog } from "../../src/diagnose/catalog.js";
import { type ClaudeDiagnoserDeps, createClaudeDiagnoser } from "../../src/diagnose/claude.js";
import { memoryLedger } from "../../src/diagnose/eval-run.js";
import type { Incident } from "../../src/domain/types.js";
import { silentLogger } from "../../src/log.js";
import { makeIncident } from "./incident.js";

/** An AI_003 incident as the pipeline stores it. */
export function aiTimeoutIncident(patch: Partial<Incident> = {}): Incident {
  return makeIncident({
    id: "7",
    count: 4,
    firstSeen: Date.parse("2026-11-26T09:12:03Z"),
    lastSeen: Date.parse("2026-11-26T09:16:40Z"),
    createdAt: Date.parse("2026-11-26T09:12:04Z"),
    requestId: "req_7f2a91",
    filename: "src/domain/ai/service.rs",
    lineNumber: 88,
    fields: { duration_ms: 30512 },
    ...patch,
  });
}

/** A schema-valid answer citing one known and one invented evidence id. */
export const GOOD_ANSWER = {
  severity: "high",
  title: "Claude calls cut off by a 30 s client timeout",
  root_cause: "TIMEOUT_SECS was lowered to 30 s while calls take 31-34 s.",
  impact: "Retrospective generation fails for long retrospectives.",
  recommendation: ["Raise TIMEOUT_SECS back to 60.", "Alert on AI_003 rate."],
  auto_fixable: true,
  fix_suggestion: "Set TIMEOUT_SECS to 60.",
  confidence: 0.85,
  evidence: ["source:src/domain/ai/service.rs", "logs:invented"],
  proposed_edit: {
    file: "src/domain/ai/service.rs",
    find: "const TIMEOUT_SECS: u64 = 30;",
    replace: "const TIMEOUT_SECS: u64 = 60;",
  },
};

/** A context bundle holding the source item GOOD_ANSWER cites. */
export const SOURCE_CONTEXT = {
  items: [
    {
      id: "source:src/domain/ai/service.rs",
      kind: "source" as const,
      title: "src/domain/ai/service.rs: the logging call (line 88)",
      text: '  79 | const TIMEOUT_SECS: u64 = 30;\n> 88 | error!(error_code = "AI_003", ...);',
    },
  ],
  partial: [],
};

/** A Claude diagnoser pointed at the fake, with an in-memory ledger; settings overridable. */
export async function fakeClaude(url: string, patch: Partial<ClaudeDiagnoserDeps> = {}) {
  const ledger = memoryLedger();
  const diagnoser = createClaudeDiagnoser({
    apiKey: "sk-ant-test-key",
    baseUrl: url,
    model: "claude-sonnet-5-5",
    effort: "medium",
    timeoutMs: 5_000,
    maxRetries: 2,
    maxOutputTokens: 8000,
    catalog: await loadCatalog(null),
    store: ledger,
    log: silentLogger(),
    now: () => Date.parse("2026-11-26T10:00:00Z"),
    ...patch,
  });
  return { diagnoser, ledger };
}
