/** Pure helpers over a postgres:// URL: where it points (without secrets), and the schema it should use. */
import { reasonOf } from "./errors.js";

/** Schema names ai-monitor accepts: plain lower-case identifiers, so they never need quoting anywhere. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The parts of a postgres:// URL. WHATWG URL refuses forms libpq accepts (`postgres://u:pw@/db?host=/run`). */
function splitUrl(url: string) {
  const match = /^postgres(?:ql)?:\/\/(?:([^@/?]*)@)?([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/s.exec(url);
  if (!match) return null;
  const [, userinfo = "", hostport = "", database = "", query = ""] = match;
  const bracket = hostport.startsWith("[") ? hostport.indexOf("]") : -1;
  const colon = bracket >= 0 ? hostport.indexOf(":", bracket) : hostport.lastIndexOf(":");
  return {
    user: userinfo.split(":")[0] ?? "",
    host: colon >= 0 ? hostport.slice(0, colon) : hostport,
    port: colon >= 0 ? hostport.slice(colon + 1) : "",
    database,
    params: new URLSearchParams(query),
    base: url.split("?")[0]!,
  };
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** Pure: "host:port/database" of a postgres:// URL, never its user or password. */
export function describeTarget(url: string): string {
  const parts = splitUrl(url);
  if (!parts) return "(unparsable URL)";
  const host = parts.params.get("host") ?? (decode(parts.host) || "localhost");
  const port = parts.params.get("port") ?? (parts.port || "5432");
  const database = decode(parts.database) || decode(parts.user);
  return `${host}:${port}/${database || "(default database)"}`;
}

/**
 * Pure: the URL with `-c search_path=<schema>` added to its `options` parameter (kept if already there).
 * node-postgres lets URL parameters win over the other settings, so the schema has to go into the URL.
 */
export function withSearchPath(url: string, schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lower-case letters, digits, _`,
    );
  }
  const parts = splitUrl(url);
  if (!parts) throw new Error(`not a postgres:// URL: ${describeTarget(url)}`);
  const options = parts.params.get("options");
  const setting = `-c search_path=${schema}`;
  parts.params.set("options", options ? `${options} ${setting}` : setting);
  return `${parts.base}?${parts.params.toString()}`;
}

/** The start-up error for a database that cannot be reached: says where and why, never the password. */
export function connectError(url: string, err: unknown): Error {
  return new Error(`cannot connect to PostgreSQL at ${describeTarget(url)}: ${reasonOf(err)}`, {
    cause: err,
  });
}
