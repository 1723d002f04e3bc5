/**
 * Errors that end a command, and how the CLI prints them: once, on stderr, naming the file, port or key, with
 * what to do next. Exit codes (README "Exit codes"): 0 ok, 1 a runtime failure, 2 a usage or configuration error.
 */

/** The process exit codes of every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** An error the user can act on: its message names the culprit, its hint says what to do. */
export class FatalError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    readonly hint: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "FatalError";
  }
}

/** A bad flag or argument, or a configuration that cannot work: exit 2. */
export function usageError(message: string, hint: string | null = null): FatalError {
  return new FatalError(message, EXIT.usage, hint);
}

/** Pure: the listen failure's message and hint, from the socket error's code. */
export function listenError(listen: string, err: NodeJS.ErrnoException): FatalError {
  const why =
    err.code === "EADDRINUSE"
      ? "the port is in use"
      : err.code === "EACCES"
        ? "permission denied (ports below 1024 need privileges)"
        : err.code === "EADDRNOTAVAIL"
          ? "no such address on this machine"
          : err.message;
  return new FatalError(
    `cannot listen on ${listen}: ${why}`,
    EXIT.failure,
    "pass --listen HOST:PORT (or set AI_MONITOR_LISTEN) to use another address",
    { cause: err },
  );
}

/**
 * Pure: the text printed for an error that ended the command, and the exit code. Unexpected errors keep their
 * stack only when asked for (LOG_LEVEL=debug): a person reads this, not a debugger.
 */
export function describeFatal(err: unknown, debug: boolean): { text: string; exitCode: 1 | 2 } {
  if (err instanceof FatalError) {
    const hint = err.hint ? `\n  ${err.hint}` : "";
    return { text: `ai-monitor: ${err.message}${hint}\n`, exitCode: err.exitCode };
  }
  const error = err instanceof Error ? err : new Error(String(err));
  const detail = debug && error.stack ? `\n${error.stack}` : "";
  return { text: `ai-monitor: ${error.message}${detail}\n`, exitCode: EXIT.failure };
}
