/**
 * The last net under ai-monitor's own logs: every string a log call carries (message, fields, errors) goes through
 * the secret rules before pino writes it. Log text quoted from a line or an upstream answer may hold a credential.
 */
import { pino } from "pino";
import { redactText, redactValueCounted } from "./domain/redact.js";

/** pino `formatters.log`: the fields of one log call, redacted (errors are left to the `err` serializer). */
export function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? value : redactValueCounted(value, {});
  }
  return out;
}

/** pino `serializers.err`: the standard error serialization, redacted. */
export function redactError(err: Error): unknown {
  return redactValueCounted(pino.stdSerializers.err(err), {});
}

/** pino `hooks.logMethod`: string arguments (the message and its interpolations) redacted. */
export function redactLogArgs(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
  const clean = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg));
  method.apply(this, clean as Parameters<pino.LogFn>);
}
