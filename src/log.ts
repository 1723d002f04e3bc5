/** ai-monitor's own logs: pino JSON to stderr, so stdout stays free for incident cards and --json output. */
import { pino } from "pino";
import { redactError, redactLogArgs, redactLogFields } from "./log-redact.js";

/** The logger type every factory takes. */
export type Logger = pino.Logger;

/** Create the process logger; `level` from LOG_LEVEL, default info. */
export function createLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino(
    {
      level,
      base: { service: "ai-monitor" },
      // Secrets can sit in config objects and URLs we log by mistake: censor the usual keys.
      redact: {
        paths: ["*.token", "*.apiKey", "*.webhookUrl", "*.authorization", "*.password", "*.bearerToken"],
        censor: "***",
      },
      formatters: { log: redactLogFields },
      serializers: { err: redactError },
      hooks: { logMethod: redactLogArgs },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything (tests and one-shot commands that want silence). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
