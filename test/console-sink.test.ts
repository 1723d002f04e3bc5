import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createConsoleSink } from "../src/sinks/console.js";
import { makeIncident } from "./helpers/incident.js";

describe("console sink", () => {
  it("writes one card per event", async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on("data", (d) => chunks.push(String(d)));
    const sink = createConsoleSink({ out, colour: false });
    expect(await sink.send(makeIncident({ errorCode: "AI_003" }), "opened")).toEqual({
      ok: true,
      remoteRef: null,
    });
    expect(chunks.join("")).toContain("[AI_003]");
  });

  it("records a closed output as a permanent failure instead of hanging or crashing", async () => {
    const out = new Writable({
      write: (_chunk, _enc, cb) => cb(Object.assign(new Error("write EPIPE"), { code: "EPIPE" })),
    });
    out.on("error", () => {});
    const sink = createConsoleSink({ out, colour: false });
    expect(await sink.send(makeIncident({}), "opened")).toMatchObject({
      ok: false,
      retryable: false,
      error: "console: write EPIPE",
    });
    expect(await sink.send(makeIncident({}), "opened")).toMatchObject({ ok: false, retryable: false });
  });
});
