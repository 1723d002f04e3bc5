/**
 * Which incidents a listing shows (the web page, `GET /api/incidents`, `ai-monitor incidents`), and the one
 * SQL condition that selects them on every backend: each backend only supplies its placeholder spelling.
 */
import type { IncidentStatus, Severity } from "../domain/types.js";

/** A listing filter; every field narrows, absent fields do not. */
export interface IncidentFilter {
  status?: IncidentStatus;
  /** Any of these severities. */
  severities?: readonly Severity[];
  /** Exact error code. */
  errorCode?: string;
  /** Active at or after this time: last seen >= sinceMs. */
  sinceMs?: number;
  /** Active before this time: first seen < untilMs. */
  untilMs?: number;
}

/** A WHERE fragment (joined with AND, never empty) and its parameters in placeholder order. */
export interface FilterSql {
  where: string;
  params: (string | number)[];
}

/**
 * Pure: the condition for `filter` on table alias `alias`, numbering placeholders from `first` with
 * `placeholder(n)` (SQLite: `?`, PostgreSQL: `$n`). The keyset bound is the caller's: it is part of paging.
 */
export function incidentFilterSql(
  filter: IncidentFilter,
  placeholder: (n: number) => string,
  first = 1,
  alias = "incidents",
): FilterSql {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const bind = (value: string | number) => {
    params.push(value);
    return placeholder(first + params.length - 1);
  };
  if (filter.status) where.push(`${alias}.status = ${bind(filter.status)}`);
  if (filter.severities && filter.severities.length > 0) {
    where.push(`${alias}.severity IN (${filter.severities.map((s) => bind(s)).join(", ")})`);
  }
  if (filter.errorCode !== undefined) where.push(`${alias}.error_code = ${bind(filter.errorCode)}`);
  if (filter.sinceMs !== undefined) where.push(`${alias}.last_seen >= ${bind(filter.sinceMs)}`);
  if (filter.untilMs !== undefined) where.push(`${alias}.first_seen < ${bind(filter.untilMs)}`);
  return { where: where.length === 0 ? "TRUE" : where.join(" AND "), params };
}
