/**
 * The HTTP face of ai-monitor: Alertmanager and Grafana webhooks, health, metrics and the incident API.
 *
 * Webhooks answer 200 `{ accepted, duplicates, resolved }` only once every alert is durable in the store
 * (`accepted`: firing alerts counted into incidents; `duplicates`: alerts of a notification seen before,
 * i.e. a resend or a repeat, ignored; `resolved`: incidents closed), plus `refused: [{ path, message }]` when
 * some alerts were invalid: those are dropped, counted and logged, the rest stored (a 4xx is never retried, so
 * refusing the whole notification would lose its good alerts). A store failure answers 503 so the
 * sender retries; the idempotency key makes that retry harmless.
 */
import { type Context, type Handler, Hono, type MiddlewareHandler } from "hono";
import type { Config } from "../config/schema.js";
import {
  type AlertLabelNames,
  alertmanagerEnvelopeSchema,
  alertSchema,
  mapAlertmanager,
  quickAlert,
  type WebhookBatch,
} from "../ingest/alertmanager.js";
import { grafanaAlertSchema, grafanaEnvelopeSchema, mapGrafana } from "../ingest/grafana.js";
import { type NotificationParse, parseNotification } from "../ingest/notification-parse.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { Intake } from "../pipeline/intake.js";
import type { Store } from "../store/store.js";
import { bearerAuth } from "./auth.js";
import { createErrorHandler, notFound, problem } from "./errors.js";
import { feedbackRoutes } from "./feedback-routes.js";
import { hostGuard, needsHostGuard } from "./host-guard.js";
import { incidentActionRoutes } from "./incident-action-routes.js";
import { incidentsRoutes } from "./incidents-routes.js";
import { isLoopback, parseListen } from "./listen-address.js";
import { httpMetrics, zeroRouteSeries } from "./metrics-middleware.js";
import { pageRoutes } from "./page/page-routes.js";
import { readBodyText } from "./read-body.js";
import { RevokedSessions } from "./session.js";
import { apiAuth } from "./web-auth.js";

/** Everything the HTTP app needs, passed in (no globals). */
export interface AppDeps {
  intake: Intake;
  store: Store;
  config: Config;
  log: Logger;
  metrics: Metrics;
  now: () => number;
}

/** Build the Hono app; serve it with @hono/node-server's `serve({ fetch: app.fetch })`. */
export function createApp(deps: AppDeps): Hono {
  const { store, config, log, metrics } = deps;
  const app = new Hono();
  app.onError(createErrorHandler(log));
  app.notFound(notFound);
  app.use("*", httpMetrics(metrics));

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await store.ping();
      return c.json({ status: "ready", store: store.kind });
    } catch (err) {
      log.warn({ err }, "readiness: store does not answer");
      return problem(c, 503, "store not answering", { status: "unavailable", store: store.kind });
    }
  });
  app.get("/metrics", async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { "Content-Type": metrics.registry.contentType });
  });
  const auth = bearerAuth(config.webhook.token);
  const session = {
    token: config.webhook.token,
    now: deps.now,
    publicUrl: config.publicUrl,
    revoked: new RevokedSessions(),
  };
  if (needsHostGuard(config.webhook.token, config.listen)) {
    app.use("/api/*", hostGuard({ publicUrl: config.publicUrl, json: true }));
    for (const path of ["/", "/incidents/*", "/login", "/logout"])
      app.use(path, hostGuard({ publicUrl: config.publicUrl, json: false }));
  }
  // Incidents hold log text, diagnoses and links: with a token set, reading them needs it (or a page session).
  app.use("/api/*", apiAuth(session));
  app.route("/api/incidents", incidentsRoutes({ store, now: deps.now }));
  app.route("/api/incidents", feedbackRoutes({ store, now: deps.now }));
  app.route("/api/incidents", incidentActionRoutes({ store, now: deps.now }));

  app.route("/", pageRoutes({ ...session, store }));

  const names: AlertLabelNames = config.webhook.labels;
  app.post(
    "/webhook/alertmanager",
    auth,
    requireJson,
    webhook(
      deps,
      "alertmanager",
      (body) => parseNotification(alertmanagerEnvelopeSchema, alertSchema, body, quickAlert),
      (p, at) => mapAlertmanager(p, names, at),
    ),
  );
  app.post(
    "/webhook/grafana",
    auth,
    requireJson,
    webhook(
      deps,
      "grafana",
      (body) => parseNotification(grafanaEnvelopeSchema, grafanaAlertSchema, body),
      (p, at) => mapGrafana(p, names, at),
    ),
  );
  zeroRouteSeries(metrics, app.routes);
  return app;
}

const requireJson: MiddlewareHandler = async (c, next) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) {
    c.header("Accept-Post", "application/json");
    return problem(c, 415, "content type must be application/json", { contentType: type || null });
  }
  await next();
};

type JsonBody = { ok: true; value: unknown } | { ok: false; tooLarge?: true };

async function readJson(c: Context, limitBytes: number): Promise<JsonBody> {
  try {
    const body = await readBodyText(c, limitBytes);
    return body.ok ? { ok: true, value: JSON.parse(body.text) } : body;
  } catch {
    return { ok: false };
  }
}

function webhook<T extends { alerts: unknown[] }>(
  deps: AppDeps,
  source: "alertmanager" | "grafana",
  parse: (body: unknown) => NotificationParse<T>,
  map: (payload: T, nowMs: number) => WebhookBatch,
): Handler {
  const { intake, log, now, metrics, config } = deps;
  return async (c) => {
    const body = await readJson(c, config.webhook.bodyLimitBytes);
    if (!body.ok && body.tooLarge)
      return problem(c, 413, "payload too large", { limitBytes: config.webhook.bodyLimitBytes });
    if (!body.ok) return problem(c, 400, "invalid JSON");
    const parsed = parse(body.value);
    for (const r of parsed.refused) metrics.webhookAlertsRefused.inc({ source, reason: r.reason });
    if (!parsed.ok) {
      const { issues } = parsed;
      log.warn(
        { source, issues: issues.slice(0, 10), issueCount: issues.length },
        "webhook payload rejected",
      );
      return problem(c, 400, "invalid payload", { issues });
    }
    const refused = parsed.refused.flatMap((r) => r.issues);
    const batch = map(parsed.payload, now());
    try {
      const outcomes = await intake.ingest(batch.signals);
      let resolved = 0;
      for (const r of batch.resolutions) {
        if ((await intake.resolve(r.fingerprint, r.resolvedAtMs)) !== null) resolved++;
      }
      const duplicates = outcomes.filter((o) => o.kind === "resent").length;
      log.debug({ source, alerts: batch.signals.length, duplicates, resolved }, "webhook stored");
      const answer = { accepted: outcomes.length - duplicates, duplicates, resolved };
      if (refused.length === 0) return c.json(answer, 200);
      // Once per request, after the store: the sender sees 2xx, so this log and the metric are all that tell.
      const named = parsed.refused.flatMap((r) => r.issues.map((i) => ({ index: r.index, ...i })));
      log.warn(
        {
          source,
          stored: parsed.payload.alerts.length,
          refused: named.slice(0, 20),
          refusedAlerts: parsed.refused.length,
        },
        "webhook: alerts refused, the rest stored",
      );
      return c.json({ ...answer, refused }, 200);
    } catch (err) {
      // Nothing was acknowledged: Alertmanager retries on 5xx, and the dedup key absorbs a partial success.
      log.error({ err, source }, "webhook: store failed, answering 503 so the sender retries");
      return problem(c, 503, "store unavailable, retry later");
    }
  };
}

/**
 * Refuse a non-loopback listen address without a webhook token (unless `insecure`): anyone who can reach
 * the port could inject alerts, page people and spend the LLM budget.
 */
export function listenGuard(listen: string, token: string | null, insecure: boolean): void {
  if (token || insecure || isLoopback(parseListen(listen).host)) return;
  throw new Error(
    `refusing to listen on ${listen} without a webhook token: anyone who can reach this port could inject ` +
      "alerts, page people and spend the LLM budget. Set AI_MONITOR_WEBHOOK_TOKEN (webhook.token), listen on " +
      "127.0.0.1, or pass --insecure if something in front of ai-monitor already authenticates.",
  );
}

/** The start-up warning for `serve --insecure` beyond loopback without a token, or null when none is due. */
export function insecureListenWarning(
  listen: string,
  token: string | null,
  insecure: boolean,
): string | null {
  if (token || !insecure || isLoopback(parseListen(listen).host)) return null;
  return (
    `serving without a webhook token on ${listen} (--insecure): anyone who can reach this port can read ` +
    "incidents, acknowledge and resolve them, and post alerts, unless something in front of ai-monitor " +
    "authenticates. Set AI_MONITOR_WEBHOOK_TOKEN to require the token."
  );
}
