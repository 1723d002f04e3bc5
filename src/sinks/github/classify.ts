/**
 * Pure: classify a failed GitHub REST call (an Octokit RequestError or a network error) for the outbox.
 * Rate limits (429, or 403 with Retry-After / exhausted quota / "secondary rate limit") retry after the time
 * GitHub names; 5xx and network errors retry; bad credentials, missing permission or repository are permanent.
 * @see https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
import { parseRetryAfter } from "../retry.js";
import type { SendResult } from "../sink.js";

/** The fields of an Octokit RequestError this reads. */
interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Wait when GitHub says "secondary rate limit" without a Retry-After (its documented minimum is a minute). */
export const SECONDARY_LIMIT_FALLBACK_MS = 60_000;

/** Pure: the failed SendResult for an error thrown by an Octokit call. */
export function classifyGithubError(err: unknown, now: number): Extract<SendResult, { ok: false }> {
  const e = (err ?? {}) as RequestErrorLike;
  const status = typeof e.status === "number" ? e.status : 0;
  const headers = e.response?.headers ?? {};
  const header = (name: string) => (headers[name] === undefined ? null : String(headers[name]));
  const message = (e.message ?? String(err)).split("\n")[0]!.slice(0, 300);

  const retryAfter = parseRetryAfter(header("retry-after"), now);
  const exhausted = header("x-ratelimit-remaining") === "0";
  const secondary = /secondary rate limit|abuse/i.test(message);
  if (status === 429 || (status === 403 && (retryAfter !== undefined || exhausted || secondary))) {
    const reset = Number(header("x-ratelimit-reset"));
    const untilReset =
      exhausted && Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) + 1000 : undefined;
    const retryAfterMs = retryAfter ?? untilReset ?? SECONDARY_LIMIT_FALLBACK_MS;
    return {
      ok: false,
      retryable: true,
      retryAfterMs,
      error: `${status} rate limited by GitHub (retry after ${Math.round(retryAfterMs / 1000)} s): ${message}`,
    };
  }
  if (status === 0 || status >= 500 || status === 408)
    return { ok: false, retryable: true, error: `GitHub unavailable (${status || "network"}): ${message}` };
  const hints: Record<number, string> = {
    401: "GITHUB_TOKEN was rejected",
    403: "GITHUB_TOKEN lacks permission (it needs Issues: read and write)",
    404: "repository not found, or GITHUB_TOKEN cannot see it (check GITHUB_REPOSITORY)",
    410: "issues are disabled on the repository",
    422: "GitHub refused the issue",
  };
  return {
    ok: false,
    retryable: false,
    error: `${status} ${hints[status] ?? "GitHub refused the request"}: ${message}`,
  };
}
