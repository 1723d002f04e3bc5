/**
 * `POST /api/incidents/:id/feedback`: a human verdict on an incident's diagnosis (`correct`, `partial`,
 * `wrong`), the input of the original design's "diagnosis accuracy" indicator. A reviewer's later verdict replaces theirs.
 * Mounted under /api, so the same bearer token guards it as the incident API.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { feedbackInputSchema, toFeedbackRecord } from "../report/feedback-input.js";
import type { FeedbackStore, IncidentStore } from "../store/store.js";
import { problem, zodIssues } from "./errors.js";
import { feedbackToJson } from "./incident-json.js";

/** A verdict with a 2,000-character note fits easily; anything larger is not feedback. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** Routes to mount at `/api/incidents`. */
export function feedbackRoutes(deps: { store: IncidentStore & FeedbackStore; now: () => number }): Hono {
  const { store, now } = deps;
  const limit = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => problem(c, 413, "payload too large", { limitBytes: BODY_LIMIT_BYTES }),
  });
  return new Hono().post("/:id/feedback", limit, async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      c.header("Accept-Post", "application/json");
      return problem(c, 415, "content type must be application/json", { contentType: type || null });
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return problem(c, 400, "invalid JSON");
    }
    const parsed = feedbackInputSchema.safeParse(body);
    if (!parsed.success) return problem(c, 400, "invalid feedback", { issues: zodIssues(parsed.error) });
    const id = c.req.param("id");
    const incident = id.length <= 200 ? await store.getIncident(id) : null;
    if (!incident) return problem(c, 404, "incident not found", { id });
    if (!incident.diagnosis) return problem(c, 409, "incident has no diagnosis to review yet", { id });
    const record = toFeedbackRecord(incident.id, parsed.data, now());
    await store.saveDiagnosisFeedback(record);
    return c.json(feedbackToJson(record), 200);
  });
}
