/**
 * Pure: what an edit of a configuration file (.toml, .yaml, .json, .env, .ini, ...) may change: scalar values
 * of existing keys, line for line, with the key, indentation and structure untouched. `Cargo.toml` dependency
 * tables and the keys that make cargo run or fetch code are refused.
 */
import type { Hunk } from "./diff.js";
import { riskyValue, sensitiveName } from "./risk.js";

/** The configuration formats autofix reads. */
export type ConfigFormat = "toml" | "yaml" | "json" | "env" | "ini";

/** Pure: the format of a path, or null for files that are not configuration. */
export function configFormat(path: string): ConfigFormat | null {
  const base = path.split("/").at(-1)!.toLowerCase();
  if (base === ".env" || base.startsWith(".env.") || base.endsWith(".env")) return "env";
  const ext = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : "";
  if (ext === "toml") return "toml";
  if (ext === "yaml" || ext === "yml") return "yaml";
  if (ext === "json") return "json";
  if (["ini", "conf", "cfg", "properties"].includes(ext)) return "ini";
  return null;
}

/** One line, as far as the rule cares. */
type ConfigLine =
  | { kind: "blank" | "comment" }
  | { kind: "header"; name: string }
  | { kind: "value"; head: string; key: string; value: string }
  | { kind: "other"; text: string };

/** Pure: parse one line: `head` is everything up to the value (indent, key, separator). */
function parseLine(line: string, format: ConfigFormat): ConfigLine {
  const trimmed = line.trim();
  if (trimmed === "") return { kind: "blank" };
  if (/^(#|;|\/\/)/.test(trimmed)) return { kind: "comment" };
  if ((format === "toml" || format === "ini") && /^\[/.test(trimmed)) {
    const name = /^\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(trimmed)?.[1];
    return name ? { kind: "header", name } : { kind: "other", text: line };
  }
  const separator =
    format === "yaml" || format === "json"
      ? /^(\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s:"'][^:]*?)\s*:)(\s+|$)/
      : /^(\s*([^=\s][^=]*?)\s*=)(\s*)/;
  const m = separator.exec(line);
  if (m)
    return {
      kind: "value",
      head: m[1]!,
      key: m[2]!.replace(/^["']|["']$/g, ""),
      value: line.slice(m[0].length),
    };
  if (format === "yaml") {
    const item = /^(\s*-\s+)(.*)$/.exec(line);
    if (item) return { kind: "value", head: item[1]!, key: "-", value: item[2]! };
  }
  return { kind: "other", text: line };
}

/** Pure: the scalar class of a value, and the value without a trailing comma or comment. */
function scalar(raw: string): { cls: string; text: string } {
  let text = raw.trim().replace(/,$/, "").trim();
  if (!/^["']/.test(text)) text = text.replace(/\s+#.*$/, "").trim();
  if (/^"(?:[^"\\]|\\.)*"$|^'[^']*'$/.test(text)) return { cls: "string", text };
  if (/^[-+]?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return { cls: "number", text };
  if (/^[-+]?\d+(\.\d+)?\s*[A-Za-z%]+$/.test(text)) return { cls: "quantity", text };
  if (/^(true|false|yes|no|on|off)$/i.test(text)) return { cls: "bool", text };
  if (/^(null|~)$/i.test(text) || text === "") return { cls: "empty", text };
  if (/^[[{]/.test(text)) return { cls: "compound", text };
  return { cls: "word", text };
}

/** Cargo tables whose contents are dependencies, or choose them. */
const CARGO_DEP_TABLE =
  /(^|\.)(dependencies|dev-dependencies|build-dependencies|features)$|^(patch|replace)(\.|$)/;
/** Cargo keys that run or fetch code. */
const CARGO_KEYS = new Set([
  "build",
  "links",
  "path",
  "git",
  "registry",
  "proc-macro",
  "plugin",
  "harness",
  "members",
]);

/** Pure: the TOML table a 0-based line index belongs to ("" before the first header). */
function tableAt(lines: readonly string[], index: number): string {
  for (let i = index; i >= 0; i--) {
    const line = parseLine(lines[i] ?? "", "toml");
    if (line.kind === "header") return line.name;
  }
  return "";
}

/** Pure: why a Cargo.toml change is refused (dependencies, build keys), or null. */
function cargoManifestReason(
  oldLines: readonly string[],
  newLines: readonly string[],
  hunks: readonly Hunk[],
): string | null {
  for (const h of hunks) {
    const tables = [
      ...h.removed.map((_l, k) => tableAt(oldLines, h.oldStart - 1 + k)),
      ...h.added.map((_l, k) => tableAt(newLines, h.newStart - 1 + k)),
      tableAt(oldLines, h.oldStart - 2),
    ];
    if (tables.some((t) => CARGO_DEP_TABLE.test(t))) return "changes Cargo.toml dependencies";
    for (const line of [...h.removed, ...h.added]) {
      const parsed = parseLine(line, "toml");
      const key = parsed.kind === "value" ? parsed.key.replace(/^["']|["']$/g, "") : "";
      if (CARGO_KEYS.has(key) || (parsed.kind === "value" && /\b(path|git)\s*=/.test(parsed.value)))
        return `changes the Cargo.toml key ${JSON.stringify(key)}, which makes cargo run or fetch code`;
    }
  }
  return null;
}

/** What the config rule decided. */
export type ConfigVerdict = { ok: true; detail: string } | { ok: false; reason: string };

/** Pure: the verdict on a configuration edit, given both texts and their line hunks. */
export function checkConfigEdit(
  path: string,
  format: ConfigFormat,
  oldText: string,
  newText: string,
  hunks: readonly Hunk[],
): ConfigVerdict {
  if (path.split("/").at(-1) === "Cargo.toml") {
    const reason = cargoManifestReason(oldText.split("\n"), newText.split("\n"), hunks);
    if (reason) return { ok: false, reason };
  }
  const changes: string[] = [];
  for (const h of hunks) {
    if (h.removed.length !== h.added.length)
      return {
        ok: false,
        reason: "adds or removes configuration lines (only values of existing keys may change)",
      };
    for (let k = 0; k < h.removed.length; k++) {
      const before = parseLine(h.removed[k]!, format);
      const after = parseLine(h.added[k]!, format);
      const quiet = (l: ConfigLine) => l.kind === "blank" || l.kind === "comment";
      if (quiet(before) && quiet(after)) continue;
      if (before.kind !== "value" || after.kind !== "value")
        return { ok: false, reason: "changes the structure of the file (headers, keys or layout)" };
      if (before.head !== after.head) return { ok: false, reason: "renames a key or changes indentation" };
      const sensitive = sensitiveName(before.key);
      if (sensitive) return { ok: false, reason: sensitive };
      const a = scalar(before.value);
      const b = scalar(after.value);
      if (a.text === b.text) continue;
      if (a.cls === "compound" || b.cls === "compound")
        return { ok: false, reason: `${before.key} is a list or table; only scalar values may change` };
      if (a.cls === "bool" || b.cls === "bool")
        return {
          ok: false,
          reason: `flips the boolean ${before.key}: switches are not configuration values`,
        };
      if (a.cls !== b.cls)
        return { ok: false, reason: `${before.key} changes kind of value (${a.cls} to ${b.cls})` };
      const risky = riskyValue(b.text);
      if (risky) return { ok: false, reason: `the new value of ${before.key} is ${risky}` };
      changes.push(`${before.key}: ${a.text} -> ${b.text}`);
    }
  }
  if (changes.length === 0) return { ok: false, reason: "changes only comments or whitespace" };
  return { ok: true, detail: `configuration value change (${changes.join(", ")})` };
}
