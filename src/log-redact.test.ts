import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { redactError, redactLogArgs, redactLogFields } from "./log-redact.js";

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = pino(
    {
      formatters: { log: redactLogFields },
      serializers: { err: redactError },
      hooks: { logMethod: redactLogArgs },
    },
    stream,
  );
  return { log, text: () => text };
}

describe("ai-monitor's own logs", () => {
  it("redact secrets in the message, its interpolations, nested fields and errors", () => {
    const { log, text } = capture();
    log.info({ upstream: { url: "https://svc:s3cretA1@api.example/x" }, n: 3 }, "retry with token=s3cretB2");
    log.error({ err: new Error("upstream echoed password=s3cretC3") }, "failed: %s", "Bearer s3cretD4xyz");
    const out = text();
    for (const secret of ["s3cretA1", "s3cretB2", "s3cretC3", "s3cretD4xyz"])
      expect(out).not.toContain(secret);
    const [first, second] = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(first.upstream.url).toBe("https://[REDACTED:url-credentials]@api.example/x");
    expect(first.n).toBe(3);
    expect(second.err.type).toBe("Error");
    expect(second.err.message).toBe("upstream echoed password=[REDACTED:key-value]");
    expect(second.msg).toBe("failed: Bearer [REDACTED:bearer]");
  });
});
