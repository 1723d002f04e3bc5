/**
 * Read-only incident API: `GET /api/incidents` (newest first, keyset pages, filters `status`, `severity`,
 * `code`, `since`, `until`) and `GET /api/incidents/:id`.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { FeedbackStore, IncidentStore } from "../store/store.js";
import { problem, zodIssues } from "./errors.js";
import { incidentsWithFeedback } from "./incident-feedback.js";
import { filterInputShape, toIncidentFilter } from "./incident-filter-input.js";

/** Largest page a caller may ask for. */
export const MAX_PAGE_LIMIT = 500;
/** Page size when none is asked for. */
export const DEFAULT_PAGE_LIMIT = 50;

/** Query of the list route: `limit` 1..500 (default 50), `before` an incident id for the next page, filters. */
export const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
    before: z
      .string()
      .regex(/^\d{1,16}$/, "not an incident id: pass the nextBefore of the previous page")
      .optional(),
    ...filterInputShape,
  })
  .strict();

/** Routes to mount at `/api/incidents`. */
export function incidentsRoutes(deps: { store: IncidentStore & FeedbackStore; now: () => number }): Hono {
  const { store, now } = deps;
  return new Hono()
    .get("/", async (c) => {
      const parsed = listQuerySchema.safeParse(c.req.query());
      if (!parsed.success) return problem(c, 400, "invalid query", { issues: zodIssues(parsed.error) });
      const { limit, before, ...filter } = parsed.data;
      const incidents = await store.listIncidents({
        limit,
        ...(before ? { beforeId: before } : {}),
        filter: toIncidentFilter(filter, now()),
      });
      const last = incidents.at(-1);
      return c.json({
        incidents: await incidentsWithFeedback(store, incidents),
        // Only a full page can have a next one.
        nextBefore: incidents.length === limit && last ? last.id : null,
      });
    })
    .get("/:id", async (c) => {
      const id = c.req.param("id");
      const incident = id.length <= 200 ? await store.getIncident(id) : null;
      if (!incident) return problem(c, 404, "incident not found", { id });
      const [json] = await incidentsWithFeedback(store, [incident]);
      return c.json(json);
    });
}
