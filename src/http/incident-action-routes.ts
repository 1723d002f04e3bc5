/**
 * `POST /api/incidents/:id/resolve` and `POST /api/incidents/:id/ack`: a person resolves an incident (its
 * resolution is announced as an Alertmanager one is) or acknowledges it (its recurrences stop paging people
 * until it resolves). Mounted under /api, so the same bearer token guards them as the incident API. The JSON
 * body is optional: `{ "note": "...", "by": "..." }` for resolve, `{ "by": "..." }` for ack.
 * Answers 200 `{ outcome, incident }` (`outcome`: resolved | already-resolved, acked | already-acked), 409
 * `{ outcome: "already-resolved", incident, error }` for an ack of a resolved incident (an acknowledgement
 * lasts until it resolves), 404 for an unknown incident, 400 naming the offending field, 415 for a body that
 * is not JSON.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import type { Store } from "../store/store.js";
import { problem, zodIssues } from "./errors.js";
import {
  ackInputSchema,
  incidentIdSchema,
  resolveInputSchema,
  toActionInput,
} from "./incident-action-input.js";
import { incidentsWithFeedback } from "./incident-feedback.js";

const BODY_LIMIT_BYTES = 16 * 1024;

type Parsed<T> = { ok: true; id: number; input: T } | { ok: false; response: Response };

/** The id and the optional JSON body, or the problem answer that names what is wrong. */
async function parseRequest<T>(c: Context, schema: z.ZodType<T>): Promise<Parsed<T>> {
  const id = incidentIdSchema.safeParse(c.req.param("id"));
  if (!id.success) return { ok: false, response: problem(c, 400, "invalid incident id", { path: "id" }) };
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      c.header("Accept-Post", "application/json");
      return {
        ok: false,
        response: problem(c, 415, "content type must be application/json", { contentType: type || null }),
      };
    }
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, response: problem(c, 400, "invalid JSON") };
    }
  }
  const input = schema.safeParse(body);
  if (!input.success)
    return { ok: false, response: problem(c, 400, "invalid input", { issues: zodIssues(input.error) }) };
  return { ok: true, id: id.data, input: input.data };
}

/** Routes to mount at `/api/incidents`. */
export function incidentActionRoutes(deps: { store: Store; now: () => number }): Hono {
  const { store, now } = deps;
  const limit = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => problem(c, 413, "payload too large", { limitBytes: BODY_LIMIT_BYTES }),
  });
  const answer = async (c: Context, action: "ack" | "resolve", id: number, outcome: string) => {
    if (outcome === "not-found") return problem(c, 404, "incident not found", { id: String(id) });
    const incident = await store.getIncident(String(id));
    const [json] = incident ? await incidentsWithFeedback(store, [incident]) : [null];
    if (action === "ack" && outcome === "already-resolved") {
      const error = "incident is already resolved: an acknowledgement lasts only until it resolves";
      return c.json({ outcome, incident: json, error }, 409);
    }
    return c.json({ outcome, incident: json }, 200);
  };
  return new Hono()
    .post("/:id/resolve", limit, async (c) => {
      const parsed = await parseRequest(c, resolveInputSchema);
      if (!parsed.ok) return parsed.response;
      const outcome = await store.resolveIncident(parsed.id, toActionInput(parsed.input, now()));
      return answer(c, "resolve", parsed.id, outcome);
    })
    .post("/:id/ack", limit, async (c) => {
      const parsed = await parseRequest(c, ackInputSchema);
      if (!parsed.ok) return parsed.response;
      const outcome = await store.ackIncident(parsed.id, toActionInput(parsed.input, now()));
      return answer(c, "ack", parsed.id, outcome);
    });
}
