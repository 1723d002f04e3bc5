/** Human durations ("250ms", "30s", "5m", "1h", "2d") to milliseconds; plain numbers are milliseconds. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parse a duration; returns null when the text is not one. */
export function parseDurationMs(input: string | number): number | null {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(input);
  if (!match) return null;
  const value = Number(match[1]);
  return Math.round(value * (UNIT_MS[match[2] ?? "ms"] ?? 1));
}

/** Render milliseconds the way a person would write them in the config. */
export function formatDurationMs(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
