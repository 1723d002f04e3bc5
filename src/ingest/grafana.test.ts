import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { alertmanagerPayloadSchema, mapAlertmanager } from "./alertmanager.js";
import { firstValue, grafanaPayloadSchema, mapGrafana } from "./grafana.js";

const names = configSchema.parse({}).webhook.labels;
const read = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), "utf8"));
const NOW = Date.parse("2026-11-26T10:00:00Z");

describe("Grafana payload mapping", () => {
  it("maps the captured Grafana alert, counting the first query value", () => {
    const payload = grafanaPayloadSchema.parse(read("grafana/firing-ai003.json"));
    expect(payload).toMatchObject({ orgId: 1, state: "alerting", title: expect.stringContaining("FIRING") });
    const { signals, resolutions } = mapGrafana(payload, names, NOW);
    expect(resolutions).toEqual([]);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({
      fingerprint: "AI_003:server::domain::ai::service",
      source: "grafana",
      count: 3,
      severityHint: null,
      timestampMs: Date.parse("2026-11-26T09:14:40Z"),
      url: "http://grafana:3000/alerting/grafana/cdz1k2/view?orgId=1",
      dedupKey: "grafana:b8a4d1e7c2f90a13:2026-11-26T09:14:40Z",
    });
    expect(signals[0]!.fields).toMatchObject({ grafana_folder: "Server", silenceURL: expect.any(String) });
    expect(signals[0]!.fields).not.toHaveProperty("dashboardURL");
  });

  it("without error_code is its alertname on the service, as an Alertmanager alert would be", () => {
    const body = read("grafana/firing-ai003.json") as { alerts: Array<Record<string, unknown>> };
    const labels = { alertname: "CheckoutErrors", service: "checkout", grafana_folder: "Server" };
    const alert = { ...body.alerts[0]!, labels };
    const [signal] = mapGrafana(grafanaPayloadSchema.parse({ ...body, alerts: [alert] }), names, NOW).signals;
    expect(signal).toMatchObject({
      fingerprint: "CheckoutErrors:checkout",
      target: "checkout",
      errorCode: null,
    });
    expect(signal!.message.startsWith("CheckoutErrors")).toBe(true);
  });

  it("shares its fingerprint with the Alertmanager alert for the same error", () => {
    const grafana = mapGrafana(grafanaPayloadSchema.parse(read("grafana/firing-ai003.json")), names, NOW);
    const am = mapAlertmanager(
      alertmanagerPayloadSchema.parse(read("alertmanager/firing-ai003.json")),
      names,
      NOW,
    );
    expect(grafana.signals[0]!.fingerprint).toBe(am.signals[0]!.fingerprint);
  });

  it("counts 1 when the rule reports no values", () => {
    const body = read("grafana/firing-ai003.json") as { alerts: Record<string, unknown>[] };
    const payload = grafanaPayloadSchema.parse({ ...body, alerts: [{ ...body.alerts[0]!, values: null }] });
    expect(mapGrafana(payload, names, NOW).signals[0]!.count).toBe(1);
  });

  it("rejects an Alertmanager body (version 4) on the Grafana schema, naming the path", () => {
    const result = grafanaPayloadSchema.safeParse(read("alertmanager/firing-ai003.json"));
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["version"]);
  });

  it.each([
    [{ A: 3, C: 1 }, 3],
    [{ B: 12.4 }, 12],
    [{ A: null, B: 5 }, 5],
    [{}, null],
    [null, null],
    [{ A: 0 }, null],
  ])("firstValue(%j) = %j", (values, expected) => {
    expect(firstValue(values)).toBe(expected);
  });
});
