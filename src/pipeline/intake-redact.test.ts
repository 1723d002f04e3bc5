import { describe, expect, it } from "vitest";
import type { Signal } from "../domain/types.js";
import { redactSignal } from "./intake.js";

const signal: Signal = {
  fingerprint: "CUST_1:server::billing",
  errorCode: "CUST_1",
  target: "server::billing",
  level: "ERROR",
  message: "charge failed for cust-123456",
  timestampMs: 0,
  requestId: "req_1",
  fields: { customer_ssn: "078-05-1120", note: "cust-654321 retried", amount: 3 },
  source: "file",
  count: 1,
  severityHint: null,
  dedupKey: null,
};

describe("the deployment's own redaction at intake", () => {
  it("applies configured patterns and field names to every text of a signal", () => {
    const out = redactSignal(signal, { patterns: [/cust-\d{6}/g], fields: ["Customer_SSN"] });
    expect(out.message).toBe("charge failed for [REDACTED:custom]");
    expect(out.fields).toEqual({
      customer_ssn: "[REDACTED:sensitive-field]",
      note: "[REDACTED:custom] retried",
      amount: 3,
    });
    expect(out.fingerprint).toBe(signal.fingerprint);
    expect(JSON.stringify(out)).not.toMatch(/123456|654321|078-05/);
  });
});
