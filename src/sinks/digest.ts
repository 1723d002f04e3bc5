/**
 * Pure: the digest window of one sink. Once a sink has announced `threshold` new incidents in the current window,
 * the rest of that window is folded into one digest (counts by severity, the top fingerprints), the way
 * Alertmanager groups and Sentry digests: in a storm nobody reads the 800th message. Critical incidents are
 * never folded and do not count. A window starts with the first announcement after the previous one ended.
 */
import { SEVERITY_ORDER } from "../domain/severity.js";
import type { Incident, Severity } from "../domain/types.js";

/** `dispatch.digest`: past `threshold` announcements in `windowMs`, fold the rest (threshold 0: never). */
export interface DigestSettings {
  threshold: number;
  windowMs: number;
}

/** How many fingerprints a digest names. */
export const DIGEST_TOP = 10;

/** One closed window's folded incidents. */
export interface DigestSummary {
  fromMs: number;
  toMs: number;
  total: number;
  bySeverity: Record<Severity, number>;
  /** Most frequent fingerprints first: incidents folded and their occurrences. */
  top: Array<{ fingerprint: string; errorCode: string | null; incidents: number; occurrences: number }>;
  /** Lowest and highest incident id folded (the list to look at). */
  firstId: string;
  lastId: string;
}

/** The gate: decide each announcement, and hand over the digest once its window has ended. */
export interface DigestGate {
  /** "single": announce it on its own; "fold": it goes into the window's digest. */
  decide(incident: Incident, now: number): "single" | "fold";
  /** When the current window ends (null: no window open). */
  windowEnd(): number | null;
  /** The digests of windows that ended by `now`, each once (none when they folded nothing). */
  close(now: number): DigestSummary[];
}

/** Create one sink's gate. */
export function createDigestGate(settings: DigestSettings): DigestGate {
  let start = 0;
  let end: number | null = null;
  let announced = 0;
  let folded: Incident[] = [];
  let ready: DigestSummary[] = [];

  /** End the current window: its digest, if it folded anything, waits for close(). */
  const endWindow = () => {
    if (folded.length > 0) ready.push(summarize());
    folded = [];
    end = null;
  };

  function summarize(): DigestSummary {
    const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
    const groups = new Map<string, DigestSummary["top"][number]>();
    for (const incident of folded) {
      bySeverity[incident.severity]++;
      const group = groups.get(incident.fingerprint) ?? {
        fingerprint: incident.fingerprint,
        errorCode: incident.errorCode,
        incidents: 0,
        occurrences: 0,
      };
      group.incidents++;
      group.occurrences += incident.count;
      groups.set(incident.fingerprint, group);
    }
    const ids = folded.map((i) => Number(i.id)).sort((a, b) => a - b);
    const top = [...groups.values()]
      .sort((a, b) => b.incidents - a.incidents || b.occurrences - a.occurrences)
      .slice(0, DIGEST_TOP);
    return {
      fromMs: start,
      toMs: end ?? start,
      total: folded.length,
      bySeverity,
      top,
      firstId: String(ids[0]),
      lastId: String(ids.at(-1)),
    };
  }

  return {
    decide(incident, now) {
      if (settings.threshold <= 0 || incident.severity === "critical") return "single";
      if (end === null || now >= end) {
        if (end !== null) endWindow();
        start = now;
        end = now + settings.windowMs;
        announced = 0;
      }
      if (announced < settings.threshold) {
        announced++;
        return "single";
      }
      folded.push(incident);
      return "fold";
    },
    windowEnd: () => end,
    close(now) {
      if (end !== null && now >= end) endWindow();
      const due = ready;
      ready = [];
      return due;
    },
  };
}
