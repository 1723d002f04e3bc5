/**
 * grafana/provisioning/alerting/contact-points.yaml: the provisioned form of the README's manual Grafana steps
 * (Webhook, POST to /webhook/grafana, Bearer token), pointed at the compose service, with the token taken from
 * Grafana's environment, never written in the file. And the reason for the docs' warning: a custom payload is
 * not what ai-monitor reads, so such a notification is refused (400), while the standard body is stored.
 */

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configSchema } from "../src/config/schema.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { readYaml, repoPath } from "./helpers/stack-tools.js";

interface ContactPoints {
  apiVersion: number;
  contactPoints: Array<{
    orgId: number;
    name: string;
    receivers: Array<{
      uid: string;
      type: string;
      disableResolveMessage?: boolean;
      settings: Record<string, unknown>;
    }>;
  }>;
}
interface Compose {
  services: Record<string, { environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
}

const provisioning = readYaml<ContactPoints>("grafana/provisioning/alerting/contact-points.yaml");
const compose = parseYaml(readFileSync(repoPath("deploy/docker-compose.yml"), "utf8"), {
  merge: true,
}) as Compose;
const readme = readFileSync(repoPath("README.md"), "utf8");
const stackDoc = readFileSync(repoPath("docs/stack.md"), "utf8");
const receiver = provisioning.contactPoints[0]!.receivers[0]!;
const TOKEN = "grafana-contact-point-token-0123";

describe("the provisioned Grafana contact point", () => {
  it("is one webhook contact point named ai-monitor, in Grafana's provisioning format", () => {
    expect(provisioning.apiVersion).toBe(1);
    expect(provisioning.contactPoints.map((c) => [c.orgId, c.name])).toEqual([[1, "ai-monitor"]]);
    expect(receiver.type).toBe("webhook");
    expect(receiver.disableResolveMessage).toBe(false);
  });

  it("matches the README's manual steps: POST to /webhook/grafana with a Bearer token", () => {
    const { url, httpMethod, authorization_scheme } = receiver.settings;
    expect(String(url)).toMatch(/\/webhook\/grafana$/);
    expect(readme).toContain(`\`${url}\``);
    expect(httpMethod).toBe("POST");
    expect(readme).toMatch(/HTTP method POST/);
    expect(authorization_scheme).toBe("Bearer");
    expect(readme).toMatch(/scheme `Bearer`/);
  });

  it("points at the compose ai-monitor service and reads the same token from Grafana's environment", () => {
    const url = new URL(String(receiver.settings.url));
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(compose.services[url.hostname]?.environment?.AI_MONITOR_LISTEN).toBe(`0.0.0.0:${url.port}`);
    const credentials = String(receiver.settings.authorization_credentials);
    expect(credentials).toMatch(/^\$\w+$/); // an environment reference, never the token itself
    const variable = credentials.slice(1);
    expect(compose.services.grafana?.environment?.[variable]).toBe(
      compose.services["ai-monitor"]?.environment?.AI_MONITOR_WEBHOOK_TOKEN,
    );
    expect(compose.services.grafana?.volumes).toContain(
      "../grafana/provisioning:/etc/grafana/provisioning:ro",
    );
  });

  it("caps alerts per notification, and uses Grafana's standard body (no custom payload)", () => {
    expect(receiver.settings.maxAlerts).toBeGreaterThan(0);
    expect(receiver.settings.payload).toBeUndefined();
    expect(JSON.stringify(receiver.settings)).not.toMatch(/template/i);
    expect(stackDoc).toMatch(/Custom Payload/);
  });
});

describe("why the docs warn against Grafana's custom payload", () => {
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ai-monitor-grafana-cp-"));
    store = createSqliteStore({ path: join(dir, "db.sqlite") });
    await store.init();
    const config = configSchema.parse({ webhook: { token: TOKEN } });
    const metrics = createMetrics();
    const intake = createIntake({
      store,
      policy: { windowMs: config.dedup.window, maxAgeMs: config.dedup.maxAge },
      metrics,
      now: Date.now,
      wake: () => {},
    });
    app = createApp({ intake, store, config, log: silentLogger(), metrics, now: Date.now });
  });
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const post = (body: string) =>
    app.request("/webhook/grafana", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body,
    });

  it("the standard body Grafana sends is stored", async () => {
    const standard = readFileSync(repoPath("test/fixtures/grafana/firing-ai003.json"), "utf8");
    const res = await post(standard);
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()).accepted).toBeGreaterThan(0);
  });

  it("a custom payload (here a typical {text} template) is refused with 400 naming what is missing", async () => {
    const res = await post(JSON.stringify({ text: "[FIRING:1] ServerErrorLogged AI_003" }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/alerts/);
  });
});
