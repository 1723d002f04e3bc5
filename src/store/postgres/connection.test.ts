import { describe, expect, it } from "vitest";
import { connectError, describeTarget, withSearchPath } from "./connection.js";

describe("describeTarget", () => {
  it.each([
    ["postgres://ai:s3cret@db.internal:6432/monitor", "db.internal:6432/monitor"],
    ["postgresql://ai@127.0.0.1/monitor?sslmode=require", "127.0.0.1:5432/monitor"],
    ["postgres://ai:pw@/monitor?host=/var/run/postgresql", "/var/run/postgresql:5432/monitor"],
    ["postgres://ai:pw@db", "db:5432/ai"],
    ["not a url", "(unparsable URL)"],
  ])("%s -> %s", (url, expected) => {
    expect(describeTarget(url)).toBe(expected);
    expect(describeTarget(url)).not.toMatch(/s3cret|pw@/);
  });
});

describe("withSearchPath", () => {
  it("adds the schema to the connection options, keeping options already there", () => {
    const plain = new URL(withSearchPath("postgres://ai:pw@db:5432/monitor", "ai_monitor"));
    expect(plain.searchParams.get("options")).toBe("-c search_path=ai_monitor");
    expect(plain.password).toBe("pw");
    const withOptions = new URL(
      withSearchPath("postgres://db/monitor?options=-c%20statement_timeout%3D5s&sslmode=require", "team_a"),
    );
    expect(withOptions.searchParams.get("options")).toBe("-c statement_timeout=5s -c search_path=team_a");
    expect(withOptions.searchParams.get("sslmode")).toBe("require");
  });

  it.each(["Public", "a-b", "a;drop", "1abc", ""])("refuses the schema name %j", (name) => {
    expect(() => withSearchPath("postgres://db/x", name)).toThrow(/invalid PostgreSQL schema name/);
  });
});

describe("connectError", () => {
  it("names the target and the reason, never the password", () => {
    const cause = Object.assign(new Error('password authentication failed for user "ai"'), { code: "28P01" });
    const err = connectError("postgres://ai:hunter2@db:5432/monitor", cause);
    expect(err.message).toBe(
      'cannot connect to PostgreSQL at db:5432/monitor: password authentication failed for user "ai"',
    );
    expect(err.cause).toBe(cause);
    expect(err.message).not.toContain("hunter2");
  });
});

describe("withSearchPath on URLs WHATWG refuses", () => {
  it("keeps a socket-directory URL intact", () => {
    const url = withSearchPath("postgres://ai:pw@/monitor?host=/var/run/postgresql", "ai_monitor");
    expect(url).toBe(
      "postgres://ai:pw@/monitor?host=%2Fvar%2Frun%2Fpostgresql&options=-c+search_path%3Dai_monitor",
    );
    expect(describeTarget(url)).toBe("/var/run/postgresql:5432/monitor");
  });
});
