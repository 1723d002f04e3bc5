/**
 * Who may use the API and the incidents page. The API takes the bearer token or, from a browser, the session
 * cookie; the page takes the cookie. Anything a cookie authorises that changes state must come from this
 * site (cross-site request forgery). Without a token nobody logs in, and the serve command already refuses to
 * listen beyond loopback; the same-site rule still holds there, since any web page could post to 127.0.0.1.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bearerMatches } from "./auth.js";
import { fromSameOrigin, hasSession, type SessionOptions } from "./session.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

const crossSite = (c: Context) =>
  c.json(
    { error: "cross-site request refused: send it from the ai-monitor page, or with the bearer token" },
    403,
  );

/** `/api/*`: bearer token, or session cookie (same site only for changes); open without a token. */
export function apiAuth(options: SessionOptions): MiddlewareHandler {
  return async (c, next) => {
    const { token } = options;
    const authorization = c.req.header("authorization");
    if (token !== null && authorization && bearerMatches(authorization, token)) return next();
    const unsafe = !SAFE.has(c.req.method);
    if (token === null) {
      // Scripts send no Origin; a browser on another site does, and must not change anything here.
      const claimsOrigin =
        c.req.header("origin") !== undefined || c.req.header("sec-fetch-site") !== undefined;
      if (unsafe && claimsOrigin && !fromSameOrigin(c, options.publicUrl)) return crossSite(c);
      return next();
    }
    if (!authorization && (await hasSession(c, options))) {
      if (unsafe && !fromSameOrigin(c, options.publicUrl)) return crossSite(c);
      return next();
    }
    c.header("WWW-Authenticate", 'Bearer realm="ai-monitor"');
    const error = authorization ? "invalid bearer token" : "missing bearer token or session";
    return c.json({ error }, 401);
  };
}

/** Pure: where to go back after logging in: a path on this site only (never `//host` or a URL). */
export function safeNext(next: string | undefined | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return /^[\x21-\x7e]*$/.test(next) && next.length <= 2000 ? next : "/";
}

/** The page: a session (or the bearer token) when a token is set; GETs without one go to the login form. */
export function pageAuth(options: SessionOptions): MiddlewareHandler {
  return async (c, next) => {
    const { token } = options;
    if (
      token === null ||
      (await hasSession(c, options)) ||
      bearerMatches(c.req.header("authorization"), token)
    ) {
      return next();
    }
    if (SAFE.has(c.req.method)) {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`, 303);
    }
    return c.text("log in first: your session is missing or has expired\n", 401);
  };
}

/** Page forms: refuse a POST that does not come from this site (checked with or without a token). */
export function sameSiteForms(options: Pick<SessionOptions, "publicUrl">): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE.has(c.req.method) && !fromSameOrigin(c, options.publicUrl)) {
      return c.text("cross-site form refused: use the form on the ai-monitor page\n", 403);
    }
    await next();
  };
}
