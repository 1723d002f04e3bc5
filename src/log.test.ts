import { describe, expect, it } from "vitest";
import { chooseLogFormat, logFormatFlag, prettyMessage } from "./log.js";

describe("log format", () => {
  it("is readable only when stdout and stderr are terminals, unless --log-format says otherwise", () => {
    expect(chooseLogFormat(undefined, true, true)).toBe("pretty");
    expect(chooseLogFormat(undefined, false, true)).toBe("json"); // `serve > out.log`
    expect(chooseLogFormat(undefined, true, false)).toBe("json"); // `serve 2> err.log`
    expect(chooseLogFormat("json", true, true)).toBe("json");
    expect(chooseLogFormat("pretty", false, false)).toBe("pretty");
    expect(chooseLogFormat("xml", true, true)).toBe("pretty"); // commander refuses it right after
  });

  it("finds --log-format in argv in both spellings", () => {
    expect(logFormatFlag(["node", "cli", "serve", "--log-format", "json"])).toBe("json");
    expect(logFormatFlag(["node", "cli", "--log-format=pretty", "scan"])).toBe("pretty");
    expect(logFormatFlag(["node", "cli", "serve"])).toBeUndefined();
  });
});

describe("prettyMessage", () => {
  it("adds the fields the message does not already say, as key=value", () => {
    expect(
      prettyMessage({ level: 30, time: 1, pid: 2, msg: "reading file", path: "/var/log/a.log", offset: 0 }),
    ).toBe("reading file path=/var/log/a.log offset=0");
    expect(
      prettyMessage({ msg: "ai-monitor serving on http://127.0.0.1:9095", url: "http://127.0.0.1:9095" }),
    ).toBe("ai-monitor serving on http://127.0.0.1:9095");
    expect(prettyMessage({ msg: "store: SQLite /x/db", store: "sqlite" })).toBe("store: SQLite /x/db");
  });

  it("quotes values with spaces, joins lists, and appends an error's message", () => {
    expect(prettyMessage({ msg: "tailing", watch: ["a/*.log", "b.log"], reason: "two words" })).toBe(
      'tailing watch=a/*.log,b.log reason="two words"',
    );
    expect(
      prettyMessage({ msg: "diagnoser failed", err: { message: "boom", stack: "Error: boom\n at x" } }),
    ).toBe("diagnoser failed: boom");
  });
});
