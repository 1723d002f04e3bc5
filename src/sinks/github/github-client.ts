/**
 * The Octokit client of the GitHub sink, with the throttling plugin (it paces writes the way GitHub asks, one
 * content-creating request at a time) and the retry plugin (a quick second try for a 5xx). Waits longer than a
 * few seconds are not slept through here: the error goes back to the sink, which classifies it, and the
 * outbox schedules the retry (so a job never holds its lease for minutes).
 * @see https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
 */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type { Logger } from "../../log.js";

const GithubOctokit = Octokit.plugin(throttling, retry);

export type GithubClient = InstanceType<typeof GithubOctokit>;

export interface GithubClientOptions {
  token: string;
  /** REST base URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  log: Logger;
  fetch?: typeof fetch;
  /** Base of both plugins' waits in ms (GitHub's seconds are multiplied by it); tests make it small. */
  retryBaseMs?: number;
  /** In-request retries of a 5xx before the outbox takes over. */
  retries?: number;
  /** The throttling plugin paces writes 1-3 s apart process-wide; tests that create many issues turn it off. */
  throttle?: boolean;
}

/** Longest wait for one GitHub answer. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Rate-limit waits up to this many seconds are waited in-request, once; longer ones go back to the outbox. */
export const INLINE_WAIT_MAX_S = 5;

/** Create the Octokit client; the token goes only into the Authorization header. */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const { log } = options;
  const base = options.retryBaseMs ?? 1000;
  const fetchImpl = options.fetch ?? fetch;
  // Octokit has no request timeout of its own; a hung connection would hold the job's lease forever.
  const timedFetch: typeof fetch = (input, init) =>
    fetchImpl(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const onLimit =
    (kind: string) =>
    (retryAfterS: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
      const wait = retryCount < 1 && retryAfterS <= INLINE_WAIT_MAX_S;
      log.warn({ kind, retryAfterS, method: request.method, url: request.url, wait }, "GitHub rate limit");
      return wait;
    };
  return new GithubOctokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ""),
    userAgent: "ai-monitor",
    request: { fetch: timedFetch },
    // Octokit logs each failed request itself; the sink classifies and logs once, so keep these at debug.
    log: {
      debug: (message: string) => log.debug({ octokit: message }),
      info: (message: string) => log.debug({ octokit: message }),
      warn: (message: string) => log.warn({ octokit: message }),
      error: (message: string) => log.debug({ octokit: message }),
    },
    throttle: {
      enabled: options.throttle ?? true,
      retryAfterBaseValue: base,
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
    },
    // 429 is the throttling plugin's to judge; 4xx other than that cannot improve by repeating.
    retry: {
      retries: options.retries ?? 2,
      retryAfterBaseValue: base,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
  });
}
