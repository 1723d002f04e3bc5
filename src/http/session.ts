/**
 * Browser sessions of the incidents page: after `POST /login` with the configured token, an HttpOnly,
 * SameSite=Strict cookie signed with a key derived from that token (changing the token ends every session)
 * carries its expiry time. Signing is Hono's (HMAC-SHA256); the expiry is checked here against `now()`.
 */
import { createHmac } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { bearerMatches } from "./auth.js";

export const SESSION_COOKIE = "ai_monitor_session";
/** A session lasts one on-call shift. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** What sessions are checked against. */
export interface SessionOptions {
  /** The webhook token; null: no login (the page is then only served on loopback, as the API). */
  token: string | null;
  now: () => number;
  /** Public URL of ai-monitor (behind a proxy): its origin counts as this site's origin too. */
  publicUrl: string | null;
  /** Sessions ended by logout before their expiry (this process only). */
  revoked?: RevokedSessions;
}

/**
 * Logged-out sessions, in memory: a cookie carries only its signed expiry, so a session is named by it. Two
 * logins in the same millisecond share a name, and a logout ends both (safe side). A restart forgets
 * them: a cookie logged out before it works again until its expiry (at most SESSION_TTL_MS).
 */
export class RevokedSessions {
  private readonly expiries = new Set<number>();
  revoke(expiresMs: number, nowMs: number): void {
    for (const at of this.expiries) if (at <= nowMs) this.expiries.delete(at);
    this.expiries.add(expiresMs);
  }
  has(expiresMs: number): boolean {
    return this.expiries.has(expiresMs);
  }
}

/** Pure: the cookie signing key for `token`, never the token itself. */
export function sessionKey(token: string): string {
  return createHmac("sha256", token).update("ai-monitor web session v1").digest("hex");
}

/** Pure: whether a typed-in token is the configured one (constant time, as the bearer check). */
export function tokenMatches(given: string, token: string): boolean {
  return bearerMatches(`Bearer ${given.trim()}`, token);
}

const overHttps = (c: Context) =>
  new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.toLowerCase() === "https";

/** Set a fresh session cookie on the answer. */
export async function startSession(c: Context, options: SessionOptions & { token: string }): Promise<void> {
  const expiresMs = options.now() + SESSION_TTL_MS;
  await setSignedCookie(c, SESSION_COOKIE, String(expiresMs), sessionKey(options.token), {
    httpOnly: true,
    sameSite: "Strict",
    secure: overHttps(c),
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Clear the session cookie, and refuse it from now on if it was a valid one. */
export async function endSession(c: Context, options: SessionOptions): Promise<void> {
  const expiresMs = await sessionExpiry(c, options);
  if (expiresMs !== null) options.revoked?.revoke(expiresMs, options.now());
  deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict", secure: overHttps(c) });
}

/** The expiry of the request's session cookie when it is signed with the current token and not expired. */
async function sessionExpiry(c: Context, options: SessionOptions): Promise<number | null> {
  if (options.token === null) return null;
  const value = await getSignedCookie(c, sessionKey(options.token), SESSION_COOKIE);
  if (typeof value !== "string" || !/^\d{1,16}$/.test(value)) return null;
  const expiresMs = Number(value);
  const now = options.now();
  // A signed expiry further away than one TTL was not written by this code: refuse it as well.
  return expiresMs > now && expiresMs <= now + SESSION_TTL_MS ? expiresMs : null;
}

/** Whether the request carries a live session: signed with the current token, not expired, not logged out. */
export async function hasSession(c: Context, options: SessionOptions): Promise<boolean> {
  const expiresMs = await sessionExpiry(c, options);
  return expiresMs !== null && !options.revoked?.has(expiresMs);
}

const originOf = (url: string | undefined | null): string | null => {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
};

/**
 * Whether a state-changing request comes from this site: its Origin (or, without one, its Referer) is the
 * request's own origin or the public URL's. A request that names neither is refused: browsers send Origin on
 * every POST, so only a stripped or forged request lacks both.
 */
export function fromSameOrigin(c: Context, publicUrl: string | null): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const claimed = originOf(c.req.header("origin")) ?? originOf(c.req.header("referer"));
  if (claimed === null) return false;
  return claimed === new URL(c.req.url).origin || claimed === originOf(publicUrl);
}
