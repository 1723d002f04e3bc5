/**
 * Detection time, the original design's first indicator ("log -> alert", target < 5 min): how long from an error's own
 * log time to the incident being stored, and to its first sink delivery. Pure, over stored incidents.
 */
import type { Incident } from "../domain/types.js";
import { below, DESIGN_TARGETS, type IndicatorStatus, percentile } from "./targets.js";

/** Distribution of one delay over the incidents that have it. */
export interface LatencyFigures {
  incidents: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** The detection indicator: judged on the p95 of log -> alert, or of log -> incident when nothing was delivered. */
export interface DetectionIndicator {
  status: IndicatorStatus;
  targetMs: number;
  /** Which figure the status is about. */
  judgedOn: "alert" | "detection";
  /** Log time -> incident stored (createdAt - firstSeen). */
  detection: LatencyFigures;
  /** Log time -> first successful delivery of the incident's announcement (any sink). */
  alert: LatencyFigures;
  /** Backfills (found already older than dedup.maxAge) alert no one by design and are left out. */
  backfillsExcluded: number;
}

/** Pure: the figures of a list of delays. */
export function latencyFigures(delaysMs: readonly number[]): LatencyFigures {
  return {
    incidents: delaysMs.length,
    p50Ms: percentile(delaysMs, 50),
    p95Ms: percentile(delaysMs, 95),
    // Not Math.max(...delays): a period of more than ~120k incidents overflows the call's argument stack.
    maxMs: delaysMs.length === 0 ? null : delaysMs.reduce((a, b) => Math.max(a, b)),
  };
}

/**
 * Pure: when the incident's announcement first went out, or null. Resolution notices (`discord:resolved`)
 * are not the alert. A sent record's updatedAt is the time it was sent: nothing changes a sent record later.
 */
export function firstAlertAt(incident: Incident): number | null {
  const sent = incident.deliveries
    .filter((d) => d.state === "sent" && !d.sink.endsWith(":resolved"))
    .map((d) => d.updatedAt);
  return sent.length === 0 ? null : Math.min(...sent);
}

/** Pure: the detection indicator over the incidents created in the period. */
export function detectionIndicator(incidents: readonly Incident[]): DetectionIndicator {
  const live = incidents.filter((i) => i.suppressed === null);
  // A later line with an earlier timestamp can move firstSeen back; a negative delay is clock skew: 0.
  const detection = latencyFigures(live.map((i) => Math.max(0, i.createdAt - i.firstSeen)));
  const alerted = live.flatMap((i) => {
    const at = firstAlertAt(i);
    return at === null ? [] : [Math.max(0, at - i.firstSeen)];
  });
  const alert = latencyFigures(alerted);
  const judgedOn = alert.incidents > 0 ? "alert" : "detection";
  return {
    status: below((judgedOn === "alert" ? alert : detection).p95Ms, DESIGN_TARGETS.detectionMs),
    targetMs: DESIGN_TARGETS.detectionMs,
    judgedOn,
    detection,
    alert,
    backfillsExcluded: incidents.length - live.length,
  };
}
