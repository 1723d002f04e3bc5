/**
 * HTTP metrics: `ai_monitor_http_request_duration_seconds{method,route,code}`, where `route` is the pattern
 * that answered (`/api/incidents/:id`), never the raw path, so a scan of random URLs cannot grow the label set.
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Metrics } from "../metrics.js";

/** The label value for a request no route answered (404 from notFound). */
export const UNMATCHED_ROUTE = "unmatched";
/** Methods a client may send: anything else is one bucket, like an unknown route. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Pure: the bounded method label (a client can send any token as the method). */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : "OTHER";
}

/** Observe every request's duration once it has answered; `nowMs` is the app's clock (tests control it). */
export function httpMetrics(metrics: Metrics, nowMs: () => number = performance.now.bind(performance)) {
  const handler: MiddlewareHandler = async (c, next) => {
    const started = nowMs();
    try {
      await next();
    } finally {
      // Middleware registered with use() has method ALL; the last other match is the route that answered.
      const route =
        matchedRoutes(c)
          .filter((r) => r.method !== "ALL")
          .at(-1)?.path ?? UNMATCHED_ROUTE;
      metrics.httpRequestSeconds.observe(
        { method: methodLabel(c.req.method), route, code: String(c.res.status) },
        Math.max(0, nowMs() - started) / 1000,
      );
    }
  };
  return handler;
}

/**
 * Create the 200 series of every registered route at 0, so a dashboard shows "0 requests" for a webhook that
 * has not been called yet, rather than "No data". Call it once all routes are registered.
 */
export function zeroRouteSeries(metrics: Metrics, routes: ReadonlyArray<{ method: string; path: string }>) {
  for (const { method, path } of routes) {
    if (method === "ALL" || path.includes("*")) continue;
    metrics.httpRequestSeconds.zero({ method: methodLabel(method), route: path, code: "200" });
  }
}
