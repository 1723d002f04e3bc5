import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../metrics.js";
import { httpMetrics, methodLabel, zeroRouteSeries } from "./metrics-middleware.js";

/** The exposition lines of the HTTP histogram's `_count` series. */
async function counts(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split("\n").filter((l) => l.startsWith("ai_monitor_http_request_duration_seconds_count{"));
}

function appWith(clock: () => number) {
  const metrics = createMetrics();
  const app = new Hono();
  app.onError((_err, c) => c.json({ error: "internal" }, 500));
  app.use("*", httpMetrics(metrics, clock));
  app.get("/api/things/:id", (c) => c.json({ id: c.req.param("id") }));
  app.post("/webhook/x", (c) => c.json({}, 202));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  zeroRouteSeries(metrics, app.routes);
  return { app, metrics };
}

describe("HTTP request metrics", () => {
  it("labels by method, route pattern and code, never by raw path, and times each request", async () => {
    let t = 1_000;
    const { app, metrics } = appWith(() => {
      t += 30; // every request takes 30 ms on this clock
      return t;
    });
    await app.request("/api/things/1");
    await app.request("/api/things/2?x=1");
    await app.request("/webhook/x", { method: "POST" });
    await app.request("/random/scan/path");
    const text = await metrics.registry.metrics();
    expect(await counts(metrics)).toEqual([
      'ai_monitor_http_request_duration_seconds_count{method="GET",route="/api/things/:id",code="200"} 2',
      'ai_monitor_http_request_duration_seconds_count{method="POST",route="/webhook/x",code="200"} 0',
      'ai_monitor_http_request_duration_seconds_count{method="GET",route="/boom",code="200"} 0',
      'ai_monitor_http_request_duration_seconds_count{method="POST",route="/webhook/x",code="202"} 1',
      'ai_monitor_http_request_duration_seconds_count{method="GET",route="unmatched",code="404"} 1',
    ]);
    expect(text).toContain(
      'ai_monitor_http_request_duration_seconds_sum{method="GET",route="/api/things/:id",code="200"} 0.06',
    );
    expect(text).not.toContain("/api/things/1");
    expect(text).not.toContain("/random/scan");
  });

  it("counts a request whose handler threw, with the code the error handler answered", async () => {
    const { app, metrics } = appWith(() => 0);
    expect((await app.request("/boom")).status).toBe(500);
    expect(await counts(metrics)).toContain(
      'ai_monitor_http_request_duration_seconds_count{method="GET",route="/boom",code="500"} 1',
    );
  });

  it("starts every registered route's 200 series at 0, so dashboards show 0 rather than no data", async () => {
    const { metrics } = appWith(() => 0);
    const zeroes = (await counts(metrics)).filter((l) => l.endsWith(" 0"));
    expect(zeroes).toHaveLength(3);
  });

  it("keeps the method label bounded whatever a client sends", () => {
    expect(methodLabel("get")).toBe("GET");
    expect(methodLabel("PROPFIND")).toBe("OTHER");
    expect(methodLabel(`X${"A".repeat(500)}`)).toBe("OTHER");
  });
});
