/**
 * LLM budget reservations on SQLite: the spend check and the hold happen in one BEGIN IMMEDIATE transaction,
 * so two processes on the same file serialise on the write lock and never both take the last of a budget.
 */
import type Database from "better-sqlite3";
import { fitsCeilings, roundUsd } from "../budget-rule.js";
import { parseId } from "../rows.js";
import type { LlmCall, LlmReservation, LlmReservationRequest } from "../store.js";
import type { Migration } from "./migrations.js";

/** Schema step: reservations held until settled, released or expired. */
export const LLM_RESERVATIONS_MIGRATION: Migration = {
  version: 3,
  name: "LLM budget reservations",
  sql: `
    CREATE TABLE llm_reservations (
      key TEXT PRIMARY KEY,
      amount_usd REAL NOT NULL,
      reserved_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `,
};

/** The reserve and settle operations over one open database (synchronous, as better-sqlite3 is). */
export function bindBudgetOperations(db: Database.Database) {
  const s = {
    dropExpired: db.prepare<[number]>("DELETE FROM llm_reservations WHERE expires_at <= ?"),
    extendHeld: db.prepare<[number, string]>("UPDATE llm_reservations SET expires_at = ? WHERE key = ?"),
    spentSince: db.prepare<[number], { usd: number }>(
      "SELECT coalesce(sum(cost_usd), 0) AS usd FROM llm_calls WHERE at >= ?",
    ),
    reservedByOthers: db.prepare<[string], { usd: number }>(
      "SELECT coalesce(sum(amount_usd), 0) AS usd FROM llm_reservations WHERE key <> ?",
    ),
    hold: db.prepare<[string, number, number, number]>(
      "INSERT INTO llm_reservations (key, amount_usd, reserved_at, expires_at) VALUES (?, ?, ?, ?)",
    ),
    drop: db.prepare<[string]>("DELETE FROM llm_reservations WHERE key = ?"),
    insertCall: db.prepare(`INSERT INTO llm_calls (incident_id, model, at, input_tokens, output_tokens,
       cache_write_tokens, cache_read_tokens, cost_usd) VALUES (@incidentId, @model, @at, @inputTokens,
       @outputTokens, @cacheWriteTokens, @cacheReadTokens, @costUsd)`),
  };

  return {
    reserveLlmBudget: db.transaction((r: LlmReservationRequest): LlmReservation => {
      s.dropExpired.run(r.now);
      const spentUsd = r.ceilings.map((c) => roundUsd(s.spentSince.get(c.sinceMs)!.usd));
      const reservedUsd = roundUsd(s.reservedByOthers.get(r.key)!.usd);
      // Held already (a job re-run after a crash): granted again, counted once, its lease renewed.
      if (s.extendHeld.run(r.now + r.leaseMs, r.key).changes === 1) {
        return { granted: true, spentUsd, reservedUsd };
      }
      const granted = fitsCeilings(r.ceilings, spentUsd, reservedUsd, r.estimateUsd);
      if (granted) s.hold.run(r.key, r.estimateUsd, r.now, r.now + r.leaseMs);
      return { granted, spentUsd, reservedUsd };
    }).immediate,

    settleLlmReservation: db.transaction((key: string, call: LlmCall | null) => {
      if (call) {
        s.insertCall.run({ ...call, incidentId: call.incidentId === null ? null : parseId(call.incidentId) });
      }
      s.drop.run(key);
    }).immediate,
  };
}
