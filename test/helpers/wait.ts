/** Polling for integration tests: wait for an outside process or service, with a generous deadline. */

/** How long to wait and how often to look; `context()` is appended to the timeout error (a child's log). */
export interface UntilOptions {
  timeoutMs: number;
  intervalMs: number;
  context?: () => string;
}

/**
 * Poll `probe` until it returns something other than undefined, and return that. A probe that throws counts
 * as "not yet" (the service may not be listening yet); the last error is named if the deadline passes.
 * Not a timed assertion: the deadline only stops a test that would otherwise hang.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: UntilOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  const cause = last === undefined ? "" : ` (last error: ${String(last)})`;
  const context = options.context ? `\n${options.context()}` : "";
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}${context}`);
}
