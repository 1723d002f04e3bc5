/**
 * DNS rebinding guard. Without a token, the page and the API trust whoever reaches the loopback port, and the
 * same-site check compares Origin with the request's own Host. A web page on evil.example whose DNS name is
 * re-pointed at 127.0.0.1 sends `Host: evil.example` and `Origin: http://evil.example`: both "agree", so it could
 * read incidents and press buttons. Only a Host that names this machine (or publicUrl) is served then.
 */
import type { MiddlewareHandler } from "hono";
import { isLoopback, parseListen } from "./listen-address.js";

/** Pure: the host name of a `Host` header ("localhost:9095" -> "localhost", "[::1]:80" -> "[::1]"), or null. */
export function hostName(header: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/@]+)(?::\d{1,5})?$/.exec(header.trim());
  return match ? match[1]!.toLowerCase() : null;
}

/** Pure: whether `name` (from hostName) is a loopback name or address: localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHostName(name: string): boolean {
  if (name === "localhost" || name === "[::1]") return true;
  return (
    /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(name) && name.split(".").every((n) => Number(n) <= 255)
  );
}

const publicHostName = (publicUrl: string | null): string | null => {
  if (!publicUrl) return null;
  try {
    return new URL(publicUrl).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
};

/** Whether the guard applies: no token, served on loopback only (the serve command refuses more without one). */
export function needsHostGuard(token: string | null, listen: string): boolean {
  if (token !== null) return false;
  try {
    return isLoopback(parseListen(listen).host);
  } catch {
    return true;
  }
}

/** Middleware for the page and /api: refuse (403, naming the Host) a request addressed to another name. */
export function hostGuard(options: { publicUrl: string | null; json: boolean }): MiddlewareHandler {
  const publicHost = publicHostName(options.publicUrl);
  return async (c, next) => {
    const header = c.req.header("host") ?? new URL(c.req.url).host;
    const name = hostName(header);
    if (name !== null && (isLoopbackHostName(name) || name === publicHost)) return next();
    const error =
      `request refused: Host ${JSON.stringify(header.slice(0, 100))} is not this machine. Without a webhook ` +
      "token ai-monitor only answers requests addressed to localhost, 127.0.0.1 or [::1] (or to publicUrl's " +
      "host), so that another web site cannot reach it through its own DNS name (DNS rebinding). Open it as " +
      "http://127.0.0.1:PORT/, set publicUrl, or set AI_MONITOR_WEBHOOK_TOKEN.";
    return options.json ? c.json({ error }, 403) : c.text(`${error}\n`, 403);
  };
}
