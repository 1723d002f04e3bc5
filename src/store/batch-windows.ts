/**
 * Window bookkeeping for one ingest transaction. A busy log repeats the same few fingerprints thousands of
 * times per batch; asking the database for candidates and updating the incident row for each occurrence
 * dominated ingest time. This keeps each fingerprint's candidates for a stretch of time and adds repeats up
 * in memory, so a batch costs one query per fingerprint and one UPDATE per touched incident, with exactly
 * the decisions `pickWindow` would make row by row.
 */
import { pickWindow, windowBounds } from "./window.js";

/** An incident that can hold an occurrence: id and the first time seen. */
export interface BatchCandidate {
  id: number;
  firstSeen: number;
}

/** The repeats of one incident accumulated during the batch. */
export interface PendingBump {
  id: number;
  count: number;
  minT: number;
  maxT: number;
}

/** Fetch candidates of a fingerprint with fromMs < firstSeen < toMs, in id order. */
export type FetchCandidates = (fingerprint: string, fromMs: number, toMs: number) => BatchCandidate[];

/** Per-transaction window cache; create one per ingest batch, then `flush` before commit. */
export class BatchWindows {
  private readonly cached = new Map<string, { fromMs: number; toMs: number; list: BatchCandidate[] }>();
  private readonly pending = new Map<number, PendingBump>();

  /** `slackMs`: how far past the current window to fetch, so later occurrences reuse the answer. */
  constructor(
    private readonly fetch: FetchCandidates,
    private readonly windowMs: number,
    private readonly slackMs = 60 * 60_000,
  ) {}

  /** The incident whose window holds `t`, or null (same rule as `pickWindow`). */
  find(fingerprint: string, t: number): BatchCandidate | null {
    const { fromMs, toMs } = windowBounds(t, this.windowMs);
    let entry = this.cached.get(fingerprint);
    if (!entry || fromMs < entry.fromMs || toMs > entry.toMs) {
      const range = { fromMs: fromMs - this.slackMs, toMs: toMs + this.slackMs };
      const list = this.fetch(fingerprint, range.fromMs, range.toMs).map((c) => {
        const bump = this.pending.get(c.id);
        return bump ? { id: c.id, firstSeen: Math.min(c.firstSeen, bump.minT) } : c;
      });
      entry = { ...range, list };
      this.cached.set(fingerprint, entry);
    }
    return pickWindow(entry.list, t, this.windowMs);
  }

  /** Record a repeat of `incident` at `t`; applied to the row by `flush`. */
  bump(incident: BatchCandidate, t: number, count: number): void {
    const bump = this.pending.get(incident.id);
    if (bump) {
      bump.count += count;
      bump.minT = Math.min(bump.minT, t);
      bump.maxT = Math.max(bump.maxT, t);
    } else {
      this.pending.set(incident.id, { id: incident.id, count, minT: t, maxT: t });
    }
    // The window may move earlier with an out-of-order occurrence: later decisions must see that.
    incident.firstSeen = Math.min(incident.firstSeen, t);
  }

  /** Remember an incident created in this batch so repeats later in the batch find it. */
  created(fingerprint: string, id: number, t: number): void {
    const entry = this.cached.get(fingerprint);
    if (entry && t > entry.fromMs && t < entry.toMs) entry.list.push({ id, firstSeen: t });
  }

  /** The accumulated repeats, one per touched incident. */
  bumps(): PendingBump[] {
    return [...this.pending.values()];
  }
}
