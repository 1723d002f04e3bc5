/** Filtered, keyset-paged incident listing on PostgreSQL, each incident with its deliveries in one statement. */
import type { Incident } from "../../domain/types.js";
import { type IncidentFilter, incidentFilterSql } from "../incident-filter.js";
import { parseId, toIncident } from "../rows.js";
import type { Sql } from "./pool.js";
import { DELIVERIES } from "./statements.js";

/** The newest `limit` incidents below `beforeId` that match `filter`. */
export async function listIncidentsQuery(
  q: Sql,
  options: { limit: number; beforeId?: string; filter?: IncidentFilter },
): Promise<Incident[]> {
  const before = options.beforeId === undefined ? Number.MAX_SAFE_INTEGER : parseId(options.beforeId);
  const n = Math.max(0, Math.floor(options.limit));
  if (before === null || n === 0) return [];
  // $1 is the keyset bound; the filter's parameters follow; the limit comes last.
  const { where, params } = incidentFilterSql(options.filter ?? {}, (i) => `$${i}`, 2, "i");
  const sql = `SELECT i.*, ${DELIVERIES} FROM incidents i WHERE i.id < $1 AND ${where}
    ORDER BY i.id DESC LIMIT $${params.length + 2}`;
  const { rows } = await q<{ delivery_rows: string | null }>(sql, [before, ...params, n]);
  return rows.map((row) => toIncident(row, JSON.parse(row.delivery_rows ?? "[]")));
}
