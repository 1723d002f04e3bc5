/**
 * Why a Claude call failed, in one short sentence for the basic alert and the logs. The SDK has already retried
 * what is retryable (timeouts, 408, 409, 429, 5xx, 529) by the time an error reaches here.
 * @see https://platform.claude.com/docs/en/api/errors
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from "@anthropic-ai/sdk";

/** Bounded reason labels, for metrics and tests. */
export type ApiFailure =
  | "timeout"
  | "rate_limited"
  | "overloaded"
  | "server_error"
  | "auth"
  | "bad_request"
  | "unreachable"
  | "other";

/** Pure: the bounded label of an error thrown by the SDK. */
export function apiFailureOf(err: unknown): ApiFailure {
  if (err instanceof APIConnectionTimeoutError) return "timeout";
  if (err instanceof APIConnectionError) return "unreachable";
  if (err instanceof RateLimitError) return "rate_limited";
  if (err instanceof OverloadedError) return "overloaded";
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) return "auth";
  if (err instanceof BadRequestError || err instanceof NotFoundError) return "bad_request";
  if (err instanceof APIError && typeof err.status === "number" && err.status >= 500) return "server_error";
  return "other";
}

/** Pure: a one-line reason naming the failure, the attempts made and the request id when the API gave one. */
export function describeApiError(err: unknown, settings: { timeoutMs: number; maxRetries: number }): string {
  const attempts = `${settings.maxRetries + 1} attempt${settings.maxRetries === 0 ? "" : "s"}`;
  const requestId = err instanceof APIError && err.requestID ? ` [request ${err.requestID}]` : "";
  const apiMessage = err instanceof APIError && err.apiMessage ? `: ${err.apiMessage.slice(0, 200)}` : "";
  const status = err instanceof APIError ? err.status : undefined;
  switch (apiFailureOf(err)) {
    case "timeout":
      return `no answer within ${settings.timeoutMs} ms (${attempts})`;
    case "unreachable":
      return `cannot reach the Anthropic API (${attempts}): ${(err as Error).message.slice(0, 200)}`;
    case "rate_limited":
      return `rate limited by the Anthropic API (429, ${attempts})${requestId}`;
    case "overloaded":
      return `the Anthropic API is overloaded (529, ${attempts})${requestId}`;
    case "server_error":
      return `Anthropic API error ${status} (${attempts})${requestId}`;
    case "auth":
      return `the API key was rejected (${status})${apiMessage}${requestId}`;
    case "bad_request":
      return `the request was rejected (${status})${apiMessage}${requestId}`;
    default:
      return `unexpected error: ${err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300)}`;
  }
}
