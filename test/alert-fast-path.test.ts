/**
 * The webhook's quick alert check (well-formed-alert.ts) against zod's: on seeded random alerts, valid and broken in
 * the ways senders and attackers break them, the quick path never accepts what zod refuses, answers exactly what
 * zod outputs (redacted), and takes every well-formed alert (else the storm pays zod again, silently).
 */
import { describe, expect, it } from "vitest";
import { alertmanagerEnvelopeSchema, alertSchema, quickAlert } from "../src/ingest/alertmanager.js";
import { parseNotification } from "../src/ingest/notification-parse.js";
import { prng } from "./helpers/dispatch-incident.js";

const STRINGS = [
  "ServerErrorLogged",
  "AI_003",
  "server::domain::ai::service",
  "critical",
  "",
  " ",
  "ünïcödé ✓ 🚨",
  "token=ghp_0123456789abcdefghijABCDEFGHIJ012345",
  "postgres://admin:hunter2@db:5432/app",
  "AKIAIOSFODNN7EXAMPLE",
  "x".repeat(1100),
  "y".repeat(5000),
  "[REDACTED:github-token]",
  // Keys and values that trip objects and strings: inherited names, a numeric key, a lone surrogate.
  "constructor",
  "toString",
  "0",
  "lone \ud800 surrogate",
];
const TIMES = [
  "2026-12-03T18:26:18.286Z",
  "2026-12-03T18:26:18Z",
  "2026-12-03T18:26:18.123456789+05:30",
  "0001-01-01T00:00:00Z",
  "2024-02-29T00:00:00Z",
  "2026-02-29T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-12-03T18:26:18",
  "2026-12-03t18:26:18z",
  "2026-12-03 18:26:18Z",
  "",
];
const WRONG = [null, 3, true, [], {}, ["a"], { a: 1 }, "text"];

function generator(seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const record = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const n = Math.floor(random() * 5);
    for (let i = 0; i < n; i++)
      out[pick(["alertname", "error_code", "target", "severity", "password", pick(STRINGS)])] = pick(STRINGS);
    return out;
  };
  const validAlert = (): Record<string, unknown> => ({
    status: pick(["firing", "resolved"]),
    labels: record(),
    ...(random() < 0.8 ? { annotations: record() } : {}),
    startsAt: pick(TIMES.slice(0, 5)),
    ...(random() < 0.7 ? { endsAt: pick(TIMES.slice(0, 5)) } : {}),
    ...(random() < 0.8 ? { generatorURL: pick(["http://loki:3100/graph", "", pick(STRINGS)]) } : {}),
    fingerprint: pick(["0000000000000abc", "f".repeat(256), "🚨".repeat(128)]),
    ...(random() < 0.2 ? { extra: pick(STRINGS) } : {}),
  });
  const mutate = (alert: Record<string, unknown>): unknown => {
    const field = pick([
      "status",
      "labels",
      "annotations",
      "startsAt",
      "endsAt",
      "generatorURL",
      "fingerprint",
    ]);
    switch (Math.floor(random() * 7)) {
      case 0:
        delete alert[field];
        return alert;
      case 1:
        alert[field] = pick(WRONG);
        return alert;
      case 2:
        alert[pick(["labels", "annotations"])] = { ...record(), [pick(STRINGS)]: pick(WRONG) };
        return alert;
      case 3:
        alert[pick(["startsAt", "endsAt"])] = pick(TIMES);
        return alert;
      case 4:
        alert.fingerprint = pick(["", "f".repeat(257), "🚨".repeat(129), "a"]);
        return alert;
      case 5:
        alert.status = pick(["FIRING", "pending", "", "resolved"]);
        return alert;
      default:
        return pick([null, [], "alert", 7, [alert]]);
    }
  };
  /** One alert as a webhook body carries it: parsed from JSON text (an own `__proto__` label included). */
  return (): unknown => {
    const alert = validAlert();
    const item = random() < 0.5 ? alert : mutate(alert);
    const text = JSON.stringify(item);
    if (random() < 0.05 && text?.includes('"labels":{'))
      return JSON.parse(
        text.replace(/"labels":\{(\}?)/, (_, close) => `"labels":{"__proto__":"x"${close || ","}`),
      );
    return JSON.parse(text ?? "null");
  };
}

/** What the quick check leaves to zod although zod accepts it. */
const leftToZod = (item: unknown): boolean => {
  const { labels, annotations, fingerprint } = (item ?? {}) as {
    labels?: object;
    annotations?: object;
    fingerprint?: string;
  };
  if ((fingerprint?.length ?? 0) > 256) return true;
  return [labels, annotations].some(
    (r) => typeof r === "object" && r !== null && Object.hasOwn(r, "__proto__"),
  );
};

describe("the quick alert check", () => {
  it("answers as zod does on 3,000 seeded alerts, and takes every well-formed one", () => {
    const next = generator(20261203);
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const item = next();
      const parsed = alertSchema.safeParse(item);
      const quick = quickAlert(item);
      if (quick !== null) {
        expect(parsed.success, JSON.stringify(item)).toBe(true);
        expect(quick).toStrictEqual(parsed.data);
        expect(Object.keys(quick)).toEqual(Object.keys(parsed.data as object));
      } else if (parsed.success) {
        expect(leftToZod(item), JSON.stringify(item)).toBe(true);
      }
      if (parsed.success) accepted++;
      else refused++;
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(500);
  });

  it("gives a whole notification the same answer, refusals and paths included", () => {
    const next = generator(7);
    for (let i = 0; i < 300; i++) {
      const body = {
        receiver: "ai",
        status: "firing",
        alerts: Array.from({ length: 1 + (i % 5) }, next),
        version: "4",
      };
      expect(parseNotification(alertmanagerEnvelopeSchema, alertSchema, body, quickAlert)).toStrictEqual(
        parseNotification(alertmanagerEnvelopeSchema, alertSchema, body),
      );
    }
  });
});
