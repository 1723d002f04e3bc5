import { describe, expect, it } from "vitest";
import {
  CommitOutcomeUnknownError,
  isConflictAbort,
  isConnectionLost,
  isPermissionDenied,
  reasonOf,
} from "./errors.js";

const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isConnectionLost", () => {
  it.each([
    ["terminated by the server (pg_terminate_backend, shutdown)", pgError("57P01")],
    ["server starting up", pgError("57P03")],
    ["connection exception class", pgError("08006")],
    ["refused", pgError("ECONNREFUSED")],
    ["reset", pgError("ECONNRESET")],
    ["node-postgres: socket closed", new Error("Connection terminated unexpectedly")],
    [
      "node-postgres: dead client",
      new Error("Client has encountered a connection error and is not queryable"),
    ],
    ["happy eyeballs", new AggregateError([pgError("ECONNREFUSED"), pgError("ECONNREFUSED")], "")],
  ])("true when %s", (_, err) => {
    expect(isConnectionLost(err)).toBe(true);
  });

  it.each([
    ["a syntax error", pgError("42601", "syntax error at or near")],
    ["a unique violation", pgError("23505")],
    ["a statement timeout", pgError("57014", "canceling statement due to statement timeout")],
    ["a deadlock", pgError("40P01")],
    ["a lost COMMIT answer", new CommitOutcomeUnknownError("Connection terminated unexpectedly")],
    ["a plain value", "boom"],
  ])("false for %s", (_, err) => {
    expect(isConnectionLost(err)).toBe(false);
  });
});

describe("other classes", () => {
  it("recognises conflict aborts and missing privileges", () => {
    expect([isConflictAbort(pgError("40001")), isConflictAbort(pgError("40P01"))]).toEqual([true, true]);
    expect(isConflictAbort(pgError("23505"))).toBe(false);
    expect(isPermissionDenied(pgError("42501"))).toBe(true);
    expect(isPermissionDenied(pgError("42P01"))).toBe(false);
  });

  it("gives a readable reason, also for an AggregateError without a message of its own", () => {
    const refused = pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432");
    expect(
      reasonOf(new AggregateError([refused, pgError("ECONNREFUSED", "connect ECONNREFUSED ::1:5432")], "")),
    ).toBe("connect ECONNREFUSED 127.0.0.1:5432; connect ECONNREFUSED ::1:5432");
    expect(reasonOf(pgError("ETIMEDOUT", ""))).toBe("ETIMEDOUT");
    expect(reasonOf("plain")).toBe("plain");
  });
});
