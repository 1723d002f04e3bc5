/**
 * LLM budget reservations on PostgreSQL, shared by every replica: reserving and settling run under one advisory
 * transaction lock, so two replicas never both see "under budget" and both spend the last of it. READ COMMITTED
 * gives each statement after the lock a fresh snapshot: it sees every reservation committed before.
 */
import { fitsCeilings, roundUsd } from "../budget-rule.js";
import { parseId } from "../rows.js";
import type { LlmCall, LlmReservation, LlmReservationRequest } from "../store.js";
import { LOCK_NS } from "./lock-keys.js";
import type { Migration } from "./migrations.js";
import type { Sql } from "./pool.js";
import { SQL } from "./statements.js";

/** Schema step: reservations held until settled, released or expired (a handful of rows at any time). */
export const LLM_RESERVATIONS_MIGRATION: Migration = {
  version: 2,
  name: "LLM budget reservations",
  sql: `
    CREATE TABLE llm_reservations (
      key TEXT PRIMARY KEY,
      amount_usd DOUBLE PRECISION NOT NULL,
      reserved_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    );
  `,
};

const BUDGET_SQL = {
  dropExpired: "DELETE FROM llm_reservations WHERE expires_at <= $1",
  /** Ledger spend since each start ($1, in order) and the other reservations ($2 is the asking key), at once. */
  usage: `SELECT
      (SELECT coalesce(array_agg(spent ORDER BY n), '{}') FROM (
        SELECT s.n, (SELECT coalesce(sum(cost_usd), 0) FROM llm_calls WHERE at >= s.since) AS spent
        FROM unnest($1::bigint[]) WITH ORDINALITY AS s (since, n)) per_ceiling) AS "spentUsd",
      (SELECT coalesce(sum(amount_usd), 0) FROM llm_reservations WHERE key <> $2) AS "reservedUsd"`,
  extendHeld: "UPDATE llm_reservations SET expires_at = $2 WHERE key = $1",
  hold: "INSERT INTO llm_reservations (key, amount_usd, reserved_at, expires_at) VALUES ($1, $2, $3, $4)",
  drop: "DELETE FROM llm_reservations WHERE key = $1",
} as const;

const lockBudget = (sql: Sql) => sql(SQL.lockOne, [LOCK_NS.budget, 0]);

/** Reserve `estimateUsd` for `key` if it fits every ceiling; `sql` must be a transaction. */
export async function reserveLlmBudgetTx(sql: Sql, r: LlmReservationRequest): Promise<LlmReservation> {
  await lockBudget(sql);
  await sql(BUDGET_SQL.dropExpired, [r.now]);
  const { rows } = await sql<{ spentUsd: number[]; reservedUsd: number }>(BUDGET_SQL.usage, [
    r.ceilings.map((c) => c.sinceMs),
    r.key,
  ]);
  const spentUsd = rows[0]!.spentUsd.map(roundUsd);
  const reservedUsd = roundUsd(rows[0]!.reservedUsd);
  // Held already (a job re-run after a crash, or on another replica): granted again, counted once, lease renewed.
  if ((await sql(BUDGET_SQL.extendHeld, [r.key, r.now + r.leaseMs])).rowCount === 1) {
    return { granted: true, spentUsd, reservedUsd };
  }
  const granted = fitsCeilings(r.ceilings, spentUsd, reservedUsd, r.estimateUsd);
  if (granted) await sql(BUDGET_SQL.hold, [r.key, r.estimateUsd, r.now, r.now + r.leaseMs]);
  return { granted, spentUsd, reservedUsd };
}

/** Drop `key`'s reservation, appending `call` to the ledger first when given; `sql` must be a transaction. */
export async function settleLlmReservationTx(sql: Sql, key: string, call: LlmCall | null): Promise<void> {
  // Under the lock too: a reservation being decided never sees the estimate gone but the cost not yet there.
  await lockBudget(sql);
  if (call) {
    const incidentId = call.incidentId === null ? null : (parseId(call.incidentId) ?? 0);
    await sql(SQL.insertLlmCall, [
      incidentId,
      call.model,
      call.at,
      call.inputTokens,
      call.outputTokens,
      call.cacheWriteTokens,
      call.cacheReadTokens,
      call.costUsd,
    ]);
  }
  await sql(BUDGET_SQL.drop, [key]);
}
