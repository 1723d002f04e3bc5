/** Bearer-token check for the webhooks: constant-time, and a 401 that tells the caller which scheme to use. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Pure: whether an `Authorization` header carries `token` (or the SHA-256 digest of it) as a Bearer credential.
 * Both sides are hashed so timingSafeEqual compares equal-length buffers and the time taken says nothing about
 * the token's length.
 */
export function bearerMatches(header: string | undefined | null, token: string | Buffer): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  // Compare even when the header is malformed, so a missing header costs the same as a wrong one.
  const given = match?.[1] ?? "";
  const same = timingSafeEqual(digest(given), typeof token === "string" ? digest(token) : token);
  return match !== null && same;
}

/** Middleware: with a token set, refuse requests without it (401, JSON, `WWW-Authenticate: Bearer`). */
export function bearerAuth(token: string | null): MiddlewareHandler {
  // The configured token's digest once, not per request (a webhook storm checks thousands a second).
  const expected = token === null ? null : digest(token);
  return async (c, next) => {
    if (expected !== null && !bearerMatches(c.req.header("authorization"), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="ai-monitor"');
      const missing = !c.req.header("authorization");
      return c.json({ error: missing ? "missing bearer token" : "invalid bearer token" }, 401);
    }
    await next();
  };
}
