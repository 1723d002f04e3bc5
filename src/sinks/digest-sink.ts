/**
 * A chat sink behind a digest gate (digest.ts): past the threshold, new incidents of the window are recorded as
 * delivered "into the digest" and the window's digest goes out as one message when it ends. Their later events
 * (links, resolution) are not announced one by one either: nobody saw them one by one. Critical incidents, and
 * everything below the threshold, pass straight through. The digest lives in memory: a process killed inside a
 * window loses that window's summary message, never an incident (they stay stored, listed and in JSONL).
 */
import type { Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import { createDigestGate, type DigestSettings, type DigestSummary } from "./digest.js";
import { deliveryKey, type SendResult, type Sink } from "./sink.js";

/** The remote reference of an "opened" delivery folded into a digest. */
export const DIGEST_REF = "digest";
/** Attempts at one digest message before it is given up (logged). */
const DIGEST_ATTEMPTS = 5;

/** A sink that can post a digest. */
export type DigestCapable = Sink & { sendDigest(summary: DigestSummary): Promise<SendResult> };

/** Pure: the incident's announcement went into a digest. */
export function folded(incident: Incident, sink: string): boolean {
  return incident.deliveries.some(
    (d) => d.sink === deliveryKey(sink, "opened") && d.remoteRef === DIGEST_REF,
  );
}

/** Wrap `sink`; `flush()` posts what the current window folded so far (graceful stop). */
export function withDigest(
  sink: DigestCapable,
  settings: DigestSettings,
  deps: { now: () => number; log: Logger; setTimer?: (fn: () => void, ms: number) => unknown },
): Sink & { flush(): Promise<void> } {
  const gate = createDigestGate(settings);
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  let timerFor: number | null = null;
  const sending = new Set<Promise<void>>();

  async function post(summary: DigestSummary): Promise<void> {
    for (let attempt = 1; attempt <= DIGEST_ATTEMPTS; attempt++) {
      const result = await sink
        .sendDigest(summary)
        .catch((err: Error): SendResult => ({ ok: false, retryable: true, error: err.message }));
      if (result.ok) return;
      if (!result.retryable || attempt === DIGEST_ATTEMPTS) {
        deps.log.error({ sink: sink.name, folded: summary.total, err: result.error }, "digest not sent");
        return;
      }
      await new Promise((resolve) => setTimer(() => resolve(null), result.retryAfterMs ?? 5000));
    }
  }

  function sendDue(now: number): void {
    for (const summary of gate.close(now)) {
      const task = post(summary).finally(() => sending.delete(task));
      sending.add(task);
    }
  }

  function schedule(): void {
    const end = gate.windowEnd();
    if (end === null || timerFor === end) return;
    timerFor = end;
    setTimer(
      () => {
        timerFor = null;
        sendDue(deps.now());
      },
      Math.max(0, end - deps.now()),
    );
  }

  return {
    ...sink,
    async send(incident, event) {
      if (event === "resolved")
        return folded(incident, sink.name) ? { ok: true, remoteRef: DIGEST_REF } : sink.send(incident, event);
      const now = deps.now();
      sendDue(now);
      if (gate.decide(incident, now) === "single") return sink.send(incident, event);
      schedule();
      return { ok: true, remoteRef: DIGEST_REF };
    },
    update: sink.update
      ? async (incident) =>
          folded(incident, sink.name) ? { ok: true, remoteRef: DIGEST_REF } : sink.update!(incident)
      : undefined,
    async flush() {
      sendDue(Number.POSITIVE_INFINITY);
      await Promise.all(sending);
    },
  };
}
