import { describe, expect, it } from "vitest";
import { classifyGithubError } from "./classify.js";

const NOW = Date.parse("2026-11-26T09:00:00Z");
const err = (status: number, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), { status, response: { headers } });

describe("classifyGithubError", () => {
  it("waits as GitHub asks on rate limits", () => {
    expect(classifyGithubError(err(429, "Too Many Requests", { "retry-after": "30" }), NOW)).toMatchObject({
      retryable: true,
      retryAfterMs: 30_000,
    });
    const reset = String(NOW / 1000 + 120);
    expect(
      classifyGithubError(
        err(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }),
        NOW,
      ),
    ).toMatchObject({ retryable: true, retryAfterMs: 121_000 });
    expect(classifyGithubError(err(403, "You have exceeded a secondary rate limit"), NOW)).toMatchObject({
      retryable: true,
      retryAfterMs: 60_000,
    });
  });

  it("retries 5xx and network errors", () => {
    expect(classifyGithubError(err(502, "Bad Gateway"), NOW)).toMatchObject({ retryable: true });
    expect(classifyGithubError(new TypeError("fetch failed"), NOW)).toMatchObject({
      retryable: true,
      error: expect.stringContaining("network"),
    });
  });

  it.each([
    [401, "GITHUB_TOKEN was rejected"],
    [403, "lacks permission"],
    [404, "check GITHUB_REPOSITORY"],
    [410, "issues are disabled"],
    [422, "GitHub refused the issue"],
  ])("%i is permanent: %s", (status, hint) => {
    expect(classifyGithubError(err(status, "nope"), NOW)).toMatchObject({
      retryable: false,
      error: expect.stringContaining(hint),
    });
  });
});
