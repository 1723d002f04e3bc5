/** Parsers of the CLI's flag values: a bad value is a usage error (exit 2) naming what was expected. */
import { InvalidArgumentError } from "commander";
import { filterInputShape } from "./http/incident-filter-input.js";

/** Commander parser for a whole number from 1 to 500. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new InvalidArgumentError("expected a whole number from 1 to 500");
  return n;
}

/** Commander parser for a ratio from 0 to 1. */
export function ratio(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("expected a number from 0 to 1, e.g. 0.7");
  return n;
}

/** Commander parser for one filter flag of `incidents`, checked by the same schema as the API's query. */
export function filterFlag<K extends keyof typeof filterInputShape>(key: K) {
  return (value: string) => {
    const parsed = filterInputShape[key].safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? "invalid value");
    return parsed.data;
  };
}
