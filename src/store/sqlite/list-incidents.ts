/** Filtered, keyset-paged incident listing on SQLite: one prepared statement per filter shape, kept. */
import type Database from "better-sqlite3";
import type { Incident } from "../../domain/types.js";
import { incidentFilterSql } from "../incident-filter.js";
import { parseId, toIncident } from "../rows.js";
import type { ListOptions } from "../store.js";
import { INCIDENT_COLUMNS } from "./statements.js";

/** Bind the listing to an open database; the returned function runs inside the caller's transaction. */
export function bindListIncidents(db: Database.Database, deliveries: Database.Statement<[number]>) {
  // Shapes are few (which filters are set, how many severities): statements are cached by their text.
  const statements = new Map<string, Database.Statement<unknown[]>>();
  return ({ limit, beforeId, filter = {} }: ListOptions): Incident[] => {
    const before = beforeId === undefined ? Number.MAX_SAFE_INTEGER : parseId(beforeId);
    if (before === null) return [];
    const { where, params } = incidentFilterSql(filter, () => "?");
    const sql = `SELECT ${INCIDENT_COLUMNS} WHERE incidents.id < ? AND ${where} ORDER BY incidents.id DESC LIMIT ?`;
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare<unknown[]>(sql);
      statements.set(sql, statement);
    }
    const rows = statement.all(before, ...params, Math.max(0, Math.floor(limit))) as { id: number }[];
    return rows.map((row) => toIncident(row, deliveries.all(row.id)));
  };
}
