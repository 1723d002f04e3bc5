import { describe, expect, it } from "vitest";
import { describeFatal, EXIT, FatalError, listenError, usageError } from "./fatal.js";

describe("fatal errors", () => {
  it("prints a FatalError's message and hint once, with its exit code", () => {
    expect(
      describeFatal(new FatalError("no database at /x.db", EXIT.failure, "run scan first"), false),
    ).toEqual({
      text: "ai-monitor: no database at /x.db\n  run scan first\n",
      exitCode: 1,
    });
    expect(describeFatal(usageError("bad --only"), false)).toEqual({
      text: "ai-monitor: bad --only\n",
      exitCode: 2,
    });
  });

  it("prints an unexpected error's message, and its stack only at debug level", () => {
    const err = new Error("surprise");
    expect(describeFatal(err, false)).toEqual({ text: "ai-monitor: surprise\n", exitCode: 1 });
    expect(describeFatal(err, true).text).toContain("at ");
    expect(describeFatal("a string", false).text).toBe("ai-monitor: a string\n");
  });

  it("says why a listen failed and how to pick another address", () => {
    const inUse = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    const e = listenError("127.0.0.1:9095", inUse);
    expect(e.message).toBe("cannot listen on 127.0.0.1:9095: the port is in use");
    expect(e.hint).toContain("pass --listen HOST:PORT");
    expect(e.exitCode).toBe(1);
    const denied = Object.assign(new Error("listen EACCES"), { code: "EACCES" });
    expect(listenError("0.0.0.0:80", denied).message).toContain("permission denied");
  });
});
