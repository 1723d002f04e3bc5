/**
 * Pure: validate a webhook notification's envelope strictly and each alert on its own, so one bad alert does not
 * cost the good ones (a 4xx is not retried by Alertmanager: everything refused is lost).
 */
import { z } from "zod";

/** One refused input path and why, e.g. `{ path: "alerts.3.startsAt", message: "Invalid ISO datetime" }`. */
export interface RefusedPath {
  path: string;
  message: string;
}

/** One alert refused from an otherwise valid notification: its index, the metric reason, its paths. */
export interface RefusedAlert {
  index: number;
  /** The alert field at fault (bounded by the schema's keys), or "alert" when it is not an object at all. */
  reason: string;
  issues: RefusedPath[];
}

export type NotificationParse<P> =
  | { ok: true; payload: P; refused: RefusedAlert[] }
  | { ok: false; issues: RefusedPath[]; refused: RefusedAlert[] };

const dotted = (path: PropertyKey[]) => path.map((part) => String(part)).join(".");

/** Pure: zod issues as dotted paths ("alerts.0.startsAt"; the body itself is ""), under `prefix`. */
export function issuePaths(error: z.ZodError, prefix: PropertyKey[] = []): RefusedPath[] {
  return error.issues.map((issue) => ({ path: dotted([...prefix, ...issue.path]), message: issue.message }));
}

/**
 * Pure: `envelope` is the notification without its alerts; `alert` is one alert. A broken envelope refuses the
 * whole body (with the alerts' own issues too, so one answer names everything); so does a body whose alerts are
 * all refused, since nothing would be stored. Otherwise the payload keeps the valid alerts, in order.
 */
// Extending a zod object builds a new schema that zod compiles again on first use: once per envelope, not per
// request (a storm paid it on every POST).
const withAlerts = new WeakMap<z.ZodObject, z.ZodObject>();
function envelopeWithAlerts(envelope: z.ZodObject): z.ZodObject {
  let schema = withAlerts.get(envelope);
  if (!schema) {
    schema = envelope.extend({ alerts: z.array(z.unknown()).min(1) });
    withAlerts.set(envelope, schema);
  }
  return schema;
}

/** An alert schema: its fields (an object), or those fields piped into a transform. */
type AlertSchema = z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodType>;

/**
 * `fast`: the alert schema's output for an item it accepts, computed without zod, or null to let zod decide
 * (well-formed-alert.ts); it must never accept what the schema refuses.
 */
export function parseNotification<E extends z.ZodObject, A extends AlertSchema>(
  envelope: E,
  alert: A,
  body: unknown,
  fast?: (item: unknown) => z.infer<A> | null,
): NotificationParse<Omit<z.infer<E>, "alerts"> & { alerts: z.infer<A>[] }> {
  const head = envelopeWithAlerts(envelope).safeParse(body);
  const raw = (body as { alerts?: unknown } | null)?.alerts;
  const alerts: z.infer<A>[] = [];
  const refused: RefusedAlert[] = [];
  // Which top-level field a refusal names: wanted only when an alert is refused (a storm has none).
  const fields = () => new Set(Object.keys(alert instanceof z.ZodPipe ? alert.in.shape : alert.shape));
  for (const [index, item] of (Array.isArray(raw) ? raw : []).entries()) {
    const quick = fast?.(item);
    if (quick) {
      alerts.push(quick);
      continue;
    }
    const parsed = alert.safeParse(item);
    if (parsed.success) {
      alerts.push(parsed.data as z.infer<A>);
      continue;
    }
    const first = String(parsed.error.issues[0]?.path[0] ?? "");
    const reason = fields().has(first) ? first : "alert";
    refused.push({ index, reason, issues: issuePaths(parsed.error, ["alerts", index]) });
  }
  const alertIssues = refused.flatMap((r) => r.issues);
  if (!head.success) return { ok: false, issues: [...issuePaths(head.error), ...alertIssues], refused };
  if (alerts.length === 0) return { ok: false, issues: alertIssues, refused };
  const envelopeData = head.data as Omit<z.infer<E>, "alerts">;
  return { ok: true, payload: { ...envelopeData, alerts }, refused };
}
