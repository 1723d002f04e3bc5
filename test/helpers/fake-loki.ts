/**
 * A fake Loki 3.x for tests: `GET /loki/api/v1/query_range` answers in Loki's exact shape (see
 * ../shared/fixtures/loki/query_range-streams.json) for the LogQL subset ai-monitor writes (equality stream
 * matchers, `|=`/`!=` line filters, `| json` with Loki's label naming, `a="x" or b="y"` label filters), and
 * records every query with its tenant and auth headers. Modes make it hang or fail like a sick Loki.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { parseTimestampMs } from "../../src/ingest/tracing-json.js";
import { closeServer, listenLocal } from "./local-server.js";

/** One stored log line. */
export interface FakeLokiEntry {
  labels: Record<string, string>;
  /** Unix nanoseconds. */
  tsNs: bigint;
  line: string;
}

/** A query as received. */
export interface RecordedQuery {
  query: string;
  start: string | null;
  end: string | null;
  limit: string | null;
  direction: string | null;
  tenant: string | null;
  authorization: string | null;
}

/** How the fake behaves. */
export type FakeLokiMode =
  | { kind: "ok" }
  | { kind: "hang" }
  | { kind: "status"; status: number; body: string };

/** A running fake. */
export interface FakeLoki {
  url: string;
  queries: RecordedQuery[];
  entries: FakeLokiEntry[];
  mode: FakeLokiMode;
  close(): Promise<void>;
}

class ParseError extends Error {}

function unquote(token: string): string {
  if (token.startsWith("`")) return token.slice(1, -1);
  return JSON.parse(token) as string;
}

const STRING = String.raw`"(?:[^"\\]|\\.)*"|\x60[^\x60]*\x60`;

function splitPipeline(rest: string): string[] {
  const stages: string[] = [];
  let current = "";
  for (const match of rest.matchAll(new RegExp(`${STRING}|\\|=|!=|\\||[^|"\\x60!]+|!`, "g"))) {
    const token = match[0];
    if (token === "|") {
      if (current.trim()) stages.push(current.trim());
      current = "";
    } else if (token === "|=" || (token === "!=" && current.trim() === "")) {
      if (current.trim()) stages.push(current.trim());
      current = token;
    } else current += token;
  }
  if (current.trim()) stages.push(current.trim());
  return stages;
}

type Predicate = (line: string, labels: Record<string, string>) => boolean;

/** Loki's json parser: nested objects joined with `_`, arrays skipped, names sanitized, clashes `_extracted`. */
export function lokiJsonLabels(line: string, stream: Record<string, string>): Record<string, string> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const out: Record<string, string> = {};
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [key, item] of Object.entries(value)) {
      const name = `${prefix}${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
      if (Array.isArray(item)) continue;
      if (item !== null && typeof item === "object") walk(item as Record<string, unknown>, `${name}_`);
      else {
        const label = name in stream ? `${name}_extracted` : name;
        out[label] = item === null ? "" : String(item);
      }
    }
  };
  walk(parsed as Record<string, unknown>, "");
  return out;
}

/** Parse the supported LogQL subset into a selector and predicates; throws ParseError like Loki's 400. */
export function compileQuery(query: string): {
  selector: Record<string, string>;
  stages: (Predicate | "json")[];
} {
  const head = /^\s*\{([^}]*)\}(.*)$/s.exec(query);
  if (!head) throw new ParseError("parse error at line 1, col 1: syntax error: unexpected IDENTIFIER");
  const selector: Record<string, string> = {};
  for (const m of head[1]!.matchAll(
    new RegExp(`\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*(${STRING})\\s*,?`, "g"),
  )) {
    selector[m[1]!] = unquote(m[2]!);
  }
  if (Object.values(selector).every((v) => v === ""))
    throw new ParseError(
      "parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value",
    );
  const stages: (Predicate | "json")[] = [];
  for (const stage of splitPipeline(head[2]!)) {
    const filter = new RegExp(`^(\\|=|!=)\\s*(${STRING})$`).exec(stage);
    if (filter) {
      const needle = unquote(filter[2]!);
      stages.push(filter[1] === "|=" ? (line) => line.includes(needle) : (line) => !line.includes(needle));
    } else if (stage === "json") stages.push("json");
    else {
      const clauses = stage.split(/\s+or\s+/).map((clause) => {
        const m = new RegExp(`^([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=|!=)\\s*(${STRING})$`).exec(clause.trim());
        if (!m) throw new ParseError(`parse error : syntax error: unexpected ${clause.trim().slice(0, 20)}`);
        const [, name, op, raw] = m as unknown as [string, string, string, string];
        const value = unquote(raw);
        return (labels: Record<string, string>) =>
          op === "=" ? labels[name] === value : labels[name] !== value;
      });
      stages.push((_, labels) => clauses.some((c) => c(labels)));
    }
  }
  return { selector, stages };
}

function answer(entries: FakeLokiEntry[], url: URL): unknown {
  const { selector, stages } = compileQuery(url.searchParams.get("query") ?? "");
  const start = BigInt(url.searchParams.get("start") ?? "0");
  const end = BigInt(url.searchParams.get("end") ?? `${BigInt(Date.now()) * 1_000_000n}`);
  const limit = Number(url.searchParams.get("limit") ?? "100");
  const forward = url.searchParams.get("direction") === "forward";
  const matched: { labels: Record<string, string>; entry: FakeLokiEntry }[] = [];
  for (const entry of entries) {
    if (entry.tsNs < start || entry.tsNs >= end) continue;
    if (!Object.entries(selector).every(([k, v]) => entry.labels[k] === v)) continue;
    let labels = { ...entry.labels };
    let keep = true;
    for (const stage of stages) {
      if (stage === "json") {
        const extracted = lokiJsonLabels(entry.line, entry.labels);
        labels = extracted ? { ...labels, ...extracted } : { ...labels, __error__: "JSONParserErr" };
      } else if (!stage(entry.line, labels)) {
        keep = false;
        break;
      }
    }
    if (keep) matched.push({ labels, entry });
  }
  matched.sort((a, b) => (a.entry.tsNs < b.entry.tsNs ? -1 : a.entry.tsNs > b.entry.tsNs ? 1 : 0));
  if (!forward) matched.reverse();
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
  for (const { labels, entry } of matched.slice(0, limit)) {
    const key = JSON.stringify(Object.entries(labels).sort());
    const stream = streams.get(key) ?? { stream: labels, values: [] };
    stream.values.push([String(entry.tsNs), entry.line]);
    streams.set(key, stream);
  }
  const returned = Math.min(matched.length, limit);
  return {
    status: "success",
    data: {
      resultType: "streams",
      result: [...streams.values()],
      stats: {
        summary: {
          bytesProcessedPerSecond: 1843200,
          linesProcessedPerSecond: 9120,
          totalBytesProcessed: entries.reduce((n, e) => n + e.line.length, 0),
          totalLinesProcessed: entries.length,
          execTime: 0.001,
          queueTime: 0.0001,
          totalEntriesReturned: returned,
        },
      },
    },
  };
}

/** Start a fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeLoki(
  options: { entries?: FakeLokiEntry[]; mode?: FakeLokiMode } = {},
): Promise<FakeLoki> {
  const state = { entries: options.entries ?? [], mode: options.mode ?? ({ kind: "ok" } as FakeLokiMode) };
  const queries: RecordedQuery[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake-loki");
    if (url.pathname === "/ready") return void res.end("ready\n");
    if (url.pathname !== "/loki/api/v1/query_range" || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      return void res.end("404 page not found\n");
    }
    queries.push({
      query: url.searchParams.get("query") ?? "",
      start: url.searchParams.get("start"),
      end: url.searchParams.get("end"),
      limit: url.searchParams.get("limit"),
      direction: url.searchParams.get("direction"),
      tenant: (req.headers["x-scope-orgid"] as string | undefined) ?? null,
      authorization: req.headers.authorization ?? null,
    });
    if (fake.mode.kind === "hang") return;
    if (fake.mode.kind === "status") {
      res.writeHead(fake.mode.status, { "content-type": "text/plain; charset=utf-8" });
      return void res.end(fake.mode.body);
    }
    try {
      const body = JSON.stringify(answer(fake.entries, url));
      res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
      res.end(body);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${err.message}\n`);
    }
  });
  const fake: FakeLoki = {
    url: await listenLocal(server),
    queries,
    entries: state.entries,
    mode: state.mode,
    close: () => closeServer(server),
  };
  return fake;
}

/** Entries from tracing JSON lines, at their own timestamps, in one stream. */
export function entriesFromLines(lines: readonly string[], labels: Record<string, string>): FakeLokiEntry[] {
  return lines.map((line) => {
    const ms = parseTimestampMs(/"timestamp":"([^"]+)"/.exec(line)?.[1]);
    return { labels, tsNs: BigInt(Number.isNaN(ms) ? Date.now() : ms) * 1_000_000n, line };
  });
}
