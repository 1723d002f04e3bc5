/**
 * The incidents page, server-rendered by the same Hono app (no script, no build step): `GET /`,
 * `GET /incidents/:id`, the verdict, acknowledge and resolve forms, and `GET|POST /login`, `POST /logout`.
 * Every form answers with a redirect (post/redirect/get), so reloading never repeats an action.
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { feedbackInputSchema, toFeedbackRecord } from "../../report/feedback-input.js";
import type { Store } from "../../store/store.js";
import {
  ackInputSchema,
  incidentIdSchema,
  resolveInputSchema,
  toActionInput,
} from "../incident-action-input.js";
import { incidentsWithFeedback } from "../incident-feedback.js";
import { filterInputShape, toIncidentFilter } from "../incident-filter-input.js";
import { endSession, hasSession, type SessionOptions, startSession, tokenMatches } from "../session.js";
import { pageAuth, safeNext, sameSiteForms } from "../web-auth.js";
import { DetailPage } from "./detail-page.js";
import { type FilterValues, ListPage } from "./list-page.js";
import { LoginPage } from "./login-page.js";
import { MessagePage } from "./message-page.js";

/** What the page needs. */
export interface PageDeps extends SessionOptions {
  store: Store;
}

/** Incidents per page of the list. */
export const PAGE_SIZE = 50;
const FORM_LIMIT_BYTES = 16 * 1024;

const pageQuerySchema = z.object({
  before: z
    .string()
    .regex(/^\d{1,16}$/)
    .optional(),
  ...filterInputShape,
});

const NOTICES: Record<string, string> = {
  verdict: "Verdict saved, thank you: it counts in ai-monitor report's diagnosis accuracy.",
  acked: "Acknowledged.",
  "already-acked": "It was already acknowledged.",
  resolved: "Resolved.",
  "already-resolved": "It was already resolved.",
};

const ACK_RESOLVED =
  "This incident is already resolved: an acknowledgement lasts only until it resolves, so nothing changed.";

/** Pages hold log text and diagnoses: no caching, no framing (one-click forms), no third-party anything. */
const pageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
  c.header("Cache-Control", "no-store");
};

const textField = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
};

/** The page's routes, to mount at `/` (middleware is registered per path, never for the whole app). */
export function pageRoutes(deps: PageDeps): Hono {
  const { store, now } = deps;
  const loggedIn = deps.token !== null;
  const app = new Hono();
  const auth = pageAuth(deps);
  const sameSite = sameSiteForms(deps);
  const limit = bodyLimit({
    maxSize: FORM_LIMIT_BYTES,
    onError: (c) => c.text(`form too large (limit ${FORM_LIMIT_BYTES} bytes)\n`, 413),
  });
  const refuse = (c: Context, status: 400 | 404 | 409, title: string, lines: string[], back = "/") =>
    c.html(<MessagePage title={title} lines={lines} loggedIn={loggedIn} back={back} />, status);
  const formBody = async (c: Context) => (await c.req.parseBody()) as Record<string, unknown>;

  for (const path of ["/", "/incidents/*", "/login", "/logout"]) app.use(path, pageHeaders);
  app.use("/incidents/*", sameSite, auth);

  app.get("/", auth, async (c) => {
    const values = c.req.query() as FilterValues & { before?: string };
    const parsed = pageQuerySchema.safeParse(values);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? "query")}: ${i.message}`);
      const props = { incidents: [], feedback: new Map(), values, olderHref: null, problems, loggedIn };
      return c.html(<ListPage {...props} />, 400);
    }
    const { before, ...filter } = parsed.data;
    const incidents = await store.listIncidents({
      limit: PAGE_SIZE,
      ...(before ? { beforeId: before } : {}),
      filter: toIncidentFilter(filter, now()),
    });
    const withFeedback = await incidentsWithFeedback(store, incidents);
    const feedback = new Map(
      withFeedback.map((json) => [
        json.id,
        (json.feedback ?? []).map((f) => ({ ...f, incidentId: json.id, at: Date.parse(f.at) })),
      ]),
    );
    const last = incidents.at(-1);
    const older = new URLSearchParams(Object.entries(values).filter(([k, v]) => k !== "before" && v));
    if (last) older.set("before", last.id);
    const olderHref = incidents.length === PAGE_SIZE && last ? `/?${older}` : null;
    return c.html(<ListPage {...{ incidents, feedback, values, olderHref, problems: [], loggedIn }} />);
  });

  app.get("/incidents/:id", async (c) => {
    const id = c.req.param("id");
    const incident = id.length <= 20 ? await store.getIncident(id) : null;
    if (!incident)
      return refuse(c, 404, "Incident not found", [
        `There is no incident ${JSON.stringify(id.slice(0, 40))}.`,
      ]);
    const feedback = await store.listDiagnosisFeedback({ incidentIds: [incident.id] });
    const notice = NOTICES[c.req.query("done") ?? ""] ?? null;
    return c.html(<DetailPage {...{ incident, feedback, notice, loggedIn }} />);
  });

  app.post("/incidents/:id/verdict", limit, async (c) => {
    const id = c.req.param("id");
    const body = await formBody(c);
    const back = `/incidents/${encodeURIComponent(id)}`;
    const parsed = feedbackInputSchema.safeParse({
      verdict: textField(body, "verdict"),
      note: textField(body, "note") ?? null,
      ...(textField(body, "by") ? { by: textField(body, "by") } : {}),
    });
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`);
      return refuse(c, 400, "Verdict not saved", lines, back);
    }
    const incident = id.length <= 20 ? await store.getIncident(id) : null;
    if (!incident)
      return refuse(c, 404, "Incident not found", [
        `There is no incident ${JSON.stringify(id.slice(0, 40))}.`,
      ]);
    if (!incident.diagnosis)
      return refuse(c, 409, "Verdict not saved", ["This incident has no diagnosis to review yet."], back);
    await store.saveDiagnosisFeedback(toFeedbackRecord(incident.id, parsed.data, now()));
    return c.redirect(`${back}?done=verdict#verdict`, 303);
  });

  const stateForm = (action: "ack" | "resolve") =>
    app.post(`/incidents/:id/${action}`, limit, async (c) => {
      const back = `/incidents/${encodeURIComponent(c.req.param("id"))}`;
      const id = incidentIdSchema.safeParse(c.req.param("id"));
      if (!id.success) return refuse(c, 404, "Incident not found", ["That is not an incident id."]);
      const body = await formBody(c);
      const fields = { note: textField(body, "note"), by: textField(body, "by") };
      const parsed =
        action === "ack" ? ackInputSchema.safeParse({ by: fields.by }) : resolveInputSchema.safeParse(fields);
      if (!parsed.success) {
        const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        return refuse(c, 400, "Nothing changed", lines, back);
      }
      const input = toActionInput(parsed.data, now());
      const outcome =
        action === "ack"
          ? await store.ackIncident(id.data, input)
          : await store.resolveIncident(id.data, input);
      if (outcome === "not-found")
        return refuse(c, 404, "Incident not found", [`There is no incident ${id.data}.`]);
      if (action === "ack" && outcome === "already-resolved")
        return refuse(c, 409, "Not acknowledged", [ACK_RESOLVED], back);
      return c.redirect(`${back}?done=${outcome}#state`, 303);
    });
  stateForm("ack");
  stateForm("resolve");

  app.get("/login", async (c) => {
    const next = safeNext(c.req.query("next"));
    if (deps.token === null || (await hasSession(c, deps))) return c.redirect(next, 303);
    return c.html(<LoginPage next={next} failed={false} />);
  });
  app.post("/login", sameSite, limit, async (c) => {
    const body = await formBody(c);
    const next = safeNext(textField(body, "next"));
    if (deps.token === null) return c.redirect(next, 303);
    const given = textField(body, "token") ?? "";
    if (!tokenMatches(given, deps.token)) return c.html(<LoginPage next={next} failed={true} />, 401);
    await startSession(c, { ...deps, token: deps.token });
    return c.redirect(next, 303);
  });
  app.post("/logout", sameSite, async (c) => {
    await endSession(c, deps);
    return c.redirect(deps.token === null ? "/" : "/login", 303);
  });
  return app;
}
