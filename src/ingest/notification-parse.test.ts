import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { alertmanagerEnvelopeSchema, alertSchema } from "./alertmanager.js";
import { parseNotification } from "./notification-parse.js";

const good = JSON.parse(
  readFileSync(new URL("../../test/fixtures/alertmanager/firing-ai003.json", import.meta.url), "utf8"),
);
const alert = good.alerts[0];
const parse = (body: unknown) => parseNotification(alertmanagerEnvelopeSchema, alertSchema, body);

describe("parseNotification: envelope whole, each alert on its own", () => {
  it("keeps the valid alerts in order and names each refused one by index, field and path", () => {
    const body = {
      ...good,
      alerts: [
        { ...alert, fingerprint: "a" },
        { ...alert, startsAt: "not-a-date" },
        { ...alert, fingerprint: "c" },
        null,
        { ...alert, labels: { x: 1 } },
      ],
    };
    const result = parse(body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.payload.alerts.map((a) => a.fingerprint)).toEqual(["a", "c"]);
    expect(result.payload).toMatchObject({ version: "4", receiver: good.receiver });
    expect(result.refused.map((r) => [r.index, r.reason, r.issues.map((i) => i.path)])).toEqual([
      [1, "startsAt", ["alerts.1.startsAt"]],
      [3, "alert", ["alerts.3"]],
      [4, "labels", ["alerts.4.labels.x"]],
    ]);
  });

  it("refuses the body when the envelope is broken, naming the envelope and the alerts' paths", () => {
    const result = parse({ ...good, version: "3", alerts: [alert, { ...alert, status: "gone" }] });
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(["version", "alerts.1.status"]);
  });

  it("refuses the body when no alert is valid, or there are none", () => {
    const none = parse({ ...good, alerts: [{ ...alert, fingerprint: "" }] });
    expect(none).toMatchObject({ ok: false, issues: [{ path: "alerts.0.fingerprint" }] });
    expect(parse({ ...good, alerts: [] })).toMatchObject({ ok: false, issues: [{ path: "alerts" }] });
    expect(parse("x")).toMatchObject({ ok: false, issues: [{ path: "" }] });
  });

  it("a label name is never a metric reason: reasons are only the schema's own fields", () => {
    const result = parse({ ...good, alerts: [alert, { ...alert, labels: { "secret-name-123": 5 } }] });
    expect(result.refused.map((r) => r.reason)).toEqual(["labels"]);
  });
});
