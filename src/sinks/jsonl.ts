/**
 * The JSONL sink: one JSON object per delivered incident event, appended and fsynced, for scripts and tests.
 * Its own file is the remote side, so after a crash `lookup` can tell whether a line was already written.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { redactFields } from "../domain/redact.js";
import { incidentToJson } from "../http/incident-json.js";
import type { Sink } from "./sink.js";

/** The id written in each line; unique per incident and event. */
export function jsonlDeliveryId(incidentId: string, event: string): string {
  return `${incidentId}:${event}`;
}

/** Create the JSONL sink appending to `path`. */
export function createJsonlSink(deps: {
  path: string;
  now: () => number;
}): Sink & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | null = null;
  const file = () => {
    handle ??= mkdir(dirname(deps.path), { recursive: true }).then(() => open(deps.path, "a"));
    return handle;
  };
  return {
    name: "jsonl",
    accepts: (incident) => incident.suppressed === null,
    async send(incident, event) {
      const deliveryId = jsonlDeliveryId(incident.id, event);
      // Redacted again on the way out (a no-op for what intake redacted; a net for anything that was not).
      const record = redactFields({
        deliveryId,
        event,
        deliveredAt: new Date(deps.now()).toISOString(),
        ...incidentToJson(incident),
      });
      try {
        const fh = await file();
        // One write call per line: O_APPEND makes each write land whole, even with concurrent deliveries.
        await fh.write(`${JSON.stringify(record)}\n`);
        await fh.sync();
        return { ok: true, remoteRef: deliveryId };
      } catch (err) {
        handle = null;
        return {
          ok: false,
          retryable: true,
          error: `cannot append to ${deps.path}: ${(err as Error).message}`,
        };
      }
    },
    async lookup(incident, event) {
      const wanted = `"deliveryId":${JSON.stringify(jsonlDeliveryId(incident.id, event))}`;
      try {
        const lines = createInterface({
          input: createReadStream(deps.path),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        for await (const line of lines) if (line.includes(wanted)) return jsonlDeliveryId(incident.id, event);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      return null;
    },
    async close() {
      if (handle) await (await handle).close();
      handle = null;
    },
  };
}
