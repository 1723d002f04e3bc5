import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import {
  alertmanagerPayloadSchema,
  MAX_ANNOTATION_CHARS,
  MAX_LABEL_CHARS,
  mapAlertmanager,
  parseCount,
} from "./alertmanager.js";
import { truncateText } from "./bounded-text.js";

const names = configSchema.parse({}).webhook.labels;
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/alertmanager/${name}`, import.meta.url), "utf8"));
const NOW = Date.parse("2026-11-26T10:02:00Z");

describe("Alertmanager payload mapping", () => {
  it("maps a captured firing notification to one ERROR signal with the log-line fingerprint", () => {
    const payload = alertmanagerPayloadSchema.parse(fixture("firing-ai003.json"));
    const { signals, resolutions } = mapAlertmanager(payload, names, NOW);
    expect(resolutions).toEqual([]);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({
      fingerprint: "AI_003:server::domain::ai::service",
      errorCode: "AI_003",
      target: "server::domain::ai::service",
      level: "ERROR",
      message: "ERROR logs for AI_003 in server::domain::ai::service",
      timestampMs: Date.parse("2026-11-26T10:01:19Z"),
      source: "alertmanager",
      count: 1,
      severityHint: "error",
      url: "http://loki:3100/graph?g0.expr=x",
      dedupKey: "alertmanager:e79d033fb2485d55:2026-11-26T10:01:19Z",
    });
    expect(signals[0]!.fields).toMatchObject({ alertname: "ServerErrorLogged", app: "server" });
    expect(signals[0]!.fields.description).toBe("3 ERROR lines in the last minute");
  });

  it("gives no url when generatorURL is empty", () => {
    const payload = alertmanagerPayloadSchema.parse(fixture("firing-db001.json"));
    const [signal] = mapAlertmanager(payload, names, NOW).signals;
    expect(signal).toMatchObject({ fingerprint: "DB_001:server::infra::db", url: null, message: "db" });
  });

  it("turns a resolved alert into a resolution at its endsAt, not a signal", () => {
    const payload = alertmanagerPayloadSchema.parse(fixture("resolved-ai003.json"));
    expect(mapAlertmanager(payload, names, NOW)).toEqual({
      signals: [],
      resolutions: [
        {
          fingerprint: "AI_003:server::domain::ai::service",
          resolvedAtMs: Date.parse("2026-11-26T10:01:26Z"),
        },
      ],
    });
  });

  it("does not resolve a fingerprint another alert of the same notification still fires for", () => {
    const body = fixture("firing-ai003.json") as { alerts: Record<string, unknown>[] };
    const resolved = {
      ...body.alerts[0]!,
      status: "resolved",
      fingerprint: "other",
      endsAt: "2026-11-26T10:01:30Z",
    };
    const payload = alertmanagerPayloadSchema.parse({ ...body, alerts: [...body.alerts, resolved] });
    const batch = mapAlertmanager(payload, names, NOW);
    expect(batch.signals).toHaveLength(1);
    expect(batch.resolutions).toEqual([]);
  });

  it("uses configured label names, falls back to description, alertname and target 'unknown'", () => {
    const body = fixture("firing-db001.json") as { alerts: Record<string, unknown>[] };
    const alert = { ...body.alerts[0]!, labels: { alertname: "Boom", code: "X_1", n: "4" }, annotations: {} };
    const payload = alertmanagerPayloadSchema.parse({ ...body, alerts: [alert] });
    const custom = { ...names, errorCode: "code", count: "n" };
    const [signal] = mapAlertmanager(payload, custom, NOW).signals;
    expect(signal).toMatchObject({
      fingerprint: "X_1:unknown",
      target: "unknown",
      message: "Boom",
      count: 4,
    });
  });

  describe("an alert without error_code", () => {
    const body = fixture("firing-db001.json") as { alerts: Record<string, unknown>[] };
    const signalOf = (
      labels: Record<string, string>,
      annotations: Record<string, string> = {},
      n = names,
    ) => {
      const alert = { ...body.alerts[0]!, labels, annotations };
      return mapAlertmanager(alertmanagerPayloadSchema.parse({ ...body, alerts: [alert] }), n, NOW)
        .signals[0]!;
    };

    it("is the alertname on its target, and its message shows the alertname", () => {
      const signal = signalOf(
        { alertname: "HighLatency", target: "api", severity: "warning" },
        { summary: "p99 over 2s for 5m" },
      );
      expect(signal).toMatchObject({
        fingerprint: "HighLatency:api",
        errorCode: null,
        target: "api",
        message: "HighLatency: p99 over 2s for 5m",
      });
    });

    it("keeps two rules with the same summary apart, and one rule on two services apart", () => {
      const note = { summary: "error rate above 5%" };
      const a = signalOf({ alertname: "ErrorRate", service: "checkout" }, note);
      const b = signalOf({ alertname: "ErrorBudgetBurn", service: "checkout" }, note);
      const c = signalOf({ alertname: "ErrorRate", service: "billing" }, note);
      expect(new Set([a.fingerprint, b.fingerprint, c.fingerprint]).size).toBe(3);
      expect(a.fingerprint).toBe("ErrorRate:checkout");
    });

    it.each([
      [{ service: "checkout", job: "api", instance: "10.0.0.1:9100" }, "checkout"],
      [{ job: "api", namespace: "prod", pod: "api-7d9" }, "api"],
      [{ namespace: "prod", pod: "api-7d9", instance: "10.0.0.1:9100" }, "prod/api-7d9"],
      [{ namespace: "prod", instance: "10.0.0.1:9100" }, "10.0.0.1:9100"],
      [{}, "unknown"],
    ])("takes the target from the first label present of %j", (labels, target) => {
      expect(signalOf({ alertname: "Down", ...labels }).target).toBe(target);
    });

    it("takes the target from the configured fallbacks", () => {
      const custom = { ...names, targetFallbacks: ["cluster/node"] };
      expect(signalOf({ alertname: "Down", job: "api", cluster: "eu", node: "n1" }, {}, custom).target).toBe(
        "eu/n1",
      );
    });

    it("resolves the same incident it fired", () => {
      const labels = { alertname: "HighLatency", service: "api" };
      const firing = signalOf(labels, { summary: "p99 3.1s" });
      const resolved = {
        ...body.alerts[0]!,
        status: "resolved",
        labels,
        annotations: { summary: "p99 0.2s" },
      };
      const batch = mapAlertmanager(
        alertmanagerPayloadSchema.parse({ ...body, alerts: [resolved] }),
        names,
        NOW,
      );
      expect(batch.resolutions.map((r) => r.fingerprint)).toEqual([firing.fingerprint]);
    });
  });

  it("redacts secrets in labels and annotations", () => {
    const body = fixture("firing-db001.json") as { alerts: Record<string, unknown>[] };
    const alert = {
      ...body.alerts[0]!,
      annotations: { summary: "db", description: "connect postgres://app:hunter2@db:5432/x", token: "abc" },
    };
    const [signal] = mapAlertmanager(
      alertmanagerPayloadSchema.parse({ ...body, alerts: [alert] }),
      names,
      NOW,
    ).signals;
    expect(JSON.stringify(signal!.fields)).not.toMatch(/hunter2|"abc"/);
  });

  it("redacts secrets in the text that becomes the message, the fingerprint and the request id", () => {
    const body = fixture("firing-db001.json") as { alerts: Array<{ labels: Record<string, string> }> };
    const first = body.alerts[0]!;
    const { error_code: _code, ...labels } = first.labels;
    const alert = {
      ...first,
      labels: { ...labels, request_id: "Bearer abcdefghijklmnop0123456789" },
      annotations: {
        summary: "connect failed postgres://admin:hunter2@db/prod key sk-ant-api03-CANARYCANARY",
      },
    };
    const [signal] = mapAlertmanager(
      alertmanagerPayloadSchema.parse({ ...body, alerts: [alert] }),
      names,
      NOW,
    ).signals;
    const text = JSON.stringify(signal);
    expect(text).not.toMatch(/hunter2|CANARY|abcdefghijklmnop/);
    expect(signal!.message).toContain(
      "postgres://[REDACTED:url-credentials]@db/prod key [REDACTED:anthropic-key]",
    );
    expect(signal!.fingerprint).not.toContain("hunter2");
  });

  it("truncates overlong label and annotation values instead of rejecting them", () => {
    const body = fixture("firing-db001.json") as { alerts: Record<string, unknown>[] };
    const alert = { ...body.alerts[0]!, labels: { error_code: "DB_001", big: "x".repeat(50_000) } };
    const withNote = { ...alert, annotations: { summary: "y".repeat(50_000) } };
    const payload = alertmanagerPayloadSchema.parse({ ...body, alerts: [withNote] });
    expect(payload.alerts[0]!.labels.big).toHaveLength(MAX_LABEL_CHARS);
    expect(payload.alerts[0]!.annotations.summary).toHaveLength(MAX_ANNOTATION_CHARS);
  });

  it("scans a value again once it is cut: the cut's ellipsis can end a key glued to more letters", () => {
    // Not a key for the rule (letters follow it) until a cut keeps `max - 1` characters ending right after it.
    const key = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
    const atCut = (prefix: string, max: number) => `${prefix.padEnd(max - 1 - key.length, "x ")}${key}abcdef`;
    const body = fixture("firing-db001.json") as { alerts: Record<string, unknown>[] };
    const labels = {
      error_code: "DB_001",
      detail: atCut("y", MAX_LABEL_CHARS),
      service: atCut("z", MAX_LABEL_CHARS),
    };
    const annotations = { description: atCut("d", MAX_ANNOTATION_CHARS) };
    const generatorURL = atCut("http://grafana/?q=", 4096).replaceAll(" ", "+");
    const payload = alertmanagerPayloadSchema.parse({
      ...body,
      alerts: [{ ...body.alerts[0]!, labels, annotations, generatorURL }],
    });
    const [signal] = mapAlertmanager(payload, names, NOW).signals;
    expect(JSON.stringify(signal)).not.toContain(key);
    // The marker is longer than the key: cut again, it may end inside the marker, never with the key.
    expect(payload.alerts[0]!.labels.detail).toMatch(/\[REDACTED:aws[a-z-]*…$/);
    expect(payload.alerts[0]!.labels.detail!.length).toBeLessThanOrEqual(MAX_LABEL_CHARS);
  });

  it("names each offending path when the payload is invalid", () => {
    const body = fixture("firing-ai003.json") as { alerts: Record<string, unknown>[] };
    const bad = { ...body, version: "3", alerts: [{ ...body.alerts[0]!, startsAt: "yesterday" }] };
    const result = alertmanagerPayloadSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["version", "alerts.0.startsAt"]));
  });
});

describe("truncateText", () => {
  it.each([
    ["short", 10, "short"],
    ["abcdefghij", 5, "abcd…"],
    ["ab😀cd", 4, "ab…"],
  ])("truncateText(%j, %i) = %j", (text, max, expected) => {
    expect(truncateText(text, max)).toBe(expected);
  });
});

describe("parseCount", () => {
  it.each([
    ["3", 3],
    ["3.0000", 3],
    [" 7 ", 7],
    [2.6, 3],
    [0.2, 1],
    ["0", null],
    ["-4", null],
    ["many", null],
    [undefined, null],
    ["", null],
  ])("parseCount(%j) = %j", (value, expected) => {
    expect(parseCount(value)).toBe(expected);
  });
});
