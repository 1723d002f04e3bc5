/**
 * ai-monitor's own logs, on stderr so stdout stays free for incident cards and --json output. JSON for machines
 * (a pipe, a file, a supervisor, `--log-format json`); one readable line per event on a terminal.
 */
import { createRequire } from "node:module";
import { pino } from "pino";
import type { PrettyOptions } from "pino-pretty";
import { redactError, redactLogArgs, redactLogFields } from "./log-redact.js";

/** The logger type every factory takes. */
export type Logger = pino.Logger;

/** How log lines are written. */
export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  level?: string;
  format?: LogFormat;
  colour?: boolean;
}

// Secrets can sit in config objects and URLs we log by mistake: censor the usual keys.
const REDACT = ["*.token", "*.apiKey", "*.webhookUrl", "*.authorization", "*.password", "*.bearerToken"];
/** Keys every line carries that a person at a terminal does not need to read. */
const HIDDEN = new Set(["level", "time", "pid", "hostname", "service", "msg", "err"]);

/** Pure: `--log-format` wins; otherwise readable lines only when both stdout and stderr are terminals. */
export function chooseLogFormat(flag: string | undefined, stdoutTty: boolean, stderrTty: boolean): LogFormat {
  if (flag === "json" || flag === "pretty") return flag;
  return stdoutTty && stderrTty ? "pretty" : "json";
}

/** Pure: the `--log-format` value in argv (read before commander runs, since the logger exists first). */
export function logFormatFlag(argv: string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg === "--log-format") return argv[i + 1];
    if (arg.startsWith("--log-format=")) return arg.slice("--log-format=".length);
  }
  return undefined;
}

function fieldValue(value: unknown): string {
  const text = Array.isArray(value)
    ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(",")
    : typeof value === "string"
      ? value
      : JSON.stringify(value);
  return /[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text;
}

/**
 * Pure: the text of one readable line: the message, then `key=value` for each field the message does not
 * already say, then the error's message. Never a JSON object on its own: a person reads this.
 */
export function prettyMessage(log: Record<string, unknown>): string {
  const msg = typeof log.msg === "string" ? log.msg : "";
  const said = msg.toLowerCase();
  const fields = Object.entries(log)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => [key, fieldValue(value)] as const)
    // A value the message already states (a URL, a path) is not repeated; short ones may match by chance.
    .filter(([, text]) => text.length < 4 || !said.includes(text.replace(/^"|"$/g, "").toLowerCase()))
    .map(([key, text]) => `${key}=${text}`);
  const err = log.err as { message?: unknown } | undefined;
  const error =
    err && typeof err.message === "string" && !msg.includes(err.message) ? `: ${err.message}` : "";
  return [msg + error, ...fields].filter((part) => part !== "").join(" ");
}

/** Create the process logger; `level` from LOG_LEVEL (default info), JSON unless `format` is pretty. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const settings = {
    level,
    base: { service: "ai-monitor" },
    redact: { paths: REDACT, censor: "***" },
    // A second redaction pass over everything ai-monitor logs: log text can carry what intake missed.
    formatters: { log: redactLogFields },
    serializers: { err: redactError },
    hooks: { logMethod: redactLogArgs },
  };
  if (options.format !== "pretty") return pino(settings, pino.destination(2));
  // Loaded only for a terminal: a cron `scan` writing JSON does not pay for it.
  const pretty = createRequire(import.meta.url)("pino-pretty") as (o: PrettyOptions) => NodeJS.WritableStream;
  const stream = pretty({
    destination: 2,
    sync: true, // a fatal error's last lines must reach the terminal before process.exit
    colorize: options.colour ?? false,
    translateTime: "SYS:HH:MM:ss",
    hideObject: true,
    messageFormat: (log) => prettyMessage(log),
  });
  return pino(settings, stream);
}

/** A logger that drops everything (tests and one-shot commands that want silence). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
