/**
 * Why the shipped Alertmanager configs set `max_alerts`, shown with a real Alertmanager (Debian's
 * prometheus-alertmanager) posting to ai-monitor's webhook. ai-monitor is given a small body limit so a modest
 * group crosses it: without max_alerts the whole notification is answered 413 and Alertmanager does not retry
 * (everything in it is lost); with max_alerts the same group arrives capped, is stored, and the rest is
 * reported in `truncatedAlerts`.
 */
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { type LoggedChild, spawnLogged } from "./helpers/logged-child.js";
import { freePort } from "./helpers/stack-tools.js";
import { until } from "./helpers/wait.js";

const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
const BODY_LIMIT = 16 * 1024;
const GROUP_SIZE = 40;
const CAP = 8;
const missing = !existsSync(ALERTMANAGER);
const inCi = process.env.CI === "true";
const skip = missing && !inCi;
if (skip)
  console.warn(
    `alertmanager-max-alerts.test.ts: skipping, ${ALERTMANAGER} not found (Debian package prometheus-alertmanager)`,
  );

interface Delivery {
  variant: string;
  status: number;
  alerts: number;
  truncatedAlerts: number;
}

let dir: string;
let store: Store;
let receiver: ServerType;
let alertmanager: LoggedChild | null = null;
let alertmanagerUrl: string;
const deliveries: Delivery[] = [];
const waiting = {
  timeoutMs: 20_000,
  intervalMs: 100,
  context: () => `alertmanager log:\n${alertmanager?.log() ?? ""}`,
};

/** Two routes for the same kind of group: one receiver without a cap (max_alerts 0), one with. */
const alertmanagerYaml = (url: string) => `
route:
  receiver: unlimited
  group_by: [variant]
  group_wait: 1s
  group_interval: 1h
  repeat_interval: 4h
  routes:
    - receiver: capped
      matchers: [variant="capped"]
receivers:
  - name: unlimited
    webhook_configs:
      - url: ${url}?variant=unlimited
        max_alerts: 0
  - name: capped
    webhook_configs:
      - url: ${url}?variant=capped
        max_alerts: ${CAP}
`;

beforeAll(async () => {
  if (missing) {
    if (inCi)
      throw new Error(`CI=true but ${ALERTMANAGER} is missing: .ci/run must install prometheus-alertmanager`);
    return;
  }
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-am-cap-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
  await store.init();
  const config = configSchema.parse({ webhook: { bodyLimitBytes: BODY_LIMIT } });
  const metrics = createMetrics();
  const intake = createIntake({
    store,
    policy: { windowMs: config.dedup.window, maxAgeMs: config.dedup.maxAge },
    metrics,
    now: Date.now,
    wake: () => {},
  });
  const app = createApp({ intake, store, config, log: silentLogger(), metrics, now: Date.now });
  const receiverFetch = async (request: Request) => {
    const variant = new URL(request.url).searchParams.get("variant") ?? "?";
    const body = (await request.clone().json()) as { alerts: unknown[]; truncatedAlerts: number };
    const response = await app.fetch(request);
    deliveries.push({
      variant,
      status: response.status,
      alerts: body.alerts.length,
      truncatedAlerts: body.truncatedAlerts,
    });
    return response;
  };
  receiver = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: receiverFetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/alertmanager`;
  const configFile = path.join(dir, "alertmanager.yml");
  await fs.writeFile(configFile, alertmanagerYaml(url));
  const port = await freePort();
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawnLogged(ALERTMANAGER, [
    `--config.file=${configFile}`,
    `--storage.path=${path.join(dir, "am-data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
  ]);
  await until(
    "Alertmanager to be ready",
    async () => ((await fetch(`${alertmanagerUrl}/-/ready`).catch(() => null))?.ok ? true : undefined),
    waiting,
  );
}, 30_000);

afterAll(async () => {
  await alertmanager?.stop();
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
  await store?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** A group of alerts with realistic annotation sizes (a summary naming a long target), one error code each. */
async function postGroup(variant: string): Promise<void> {
  const startsAt = new Date().toISOString();
  const body = Array.from({ length: GROUP_SIZE }, (_, i) => ({
    labels: {
      alertname: "ServerErrorLogged",
      variant,
      error_code: `${variant.toUpperCase()}_${String(i).padStart(3, "0")}`,
      target: "server::domain::billing::reconciliation",
    },
    annotations: { summary: `ERROR logs in server::domain::billing::reconciliation ${"x".repeat(400)}` },
    startsAt,
    generatorURL: "http://loki:3100/graph",
  }));
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

const incidentsOf = async (variant: string) =>
  (await store.listIncidents({ limit: 500 })).filter((i) =>
    i.errorCode?.startsWith(`${variant.toUpperCase()}_`),
  );

describe("max_alerts against ai-monitor's body limit (real Alertmanager)", () => {
  it.skipIf(skip)("without max_alerts a big group is answered 413, not retried, and lost whole", async () => {
    await postGroup("unlimited");
    const first = await until(
      "the uncapped notification",
      () => deliveries.find((d) => d.variant === "unlimited"),
      waiting,
    );
    expect(first).toMatchObject({ status: 413, alerts: GROUP_SIZE, truncatedAlerts: 0 });
    // Alertmanager retries 5xx with back-off (within a second or two); a 4xx is final.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(deliveries.filter((d) => d.variant === "unlimited")).toHaveLength(1);
    expect(await incidentsOf("unlimited")).toEqual([]);
  });

  it.skipIf(skip)(
    "with max_alerts the same group arrives capped, is stored, and reports the rest",
    async () => {
      await postGroup("capped");
      const delivery = await until(
        "the capped notification",
        () => deliveries.find((d) => d.variant === "capped"),
        waiting,
      );
      expect(delivery).toMatchObject({ status: 200, alerts: CAP, truncatedAlerts: GROUP_SIZE - CAP });
      expect(await incidentsOf("capped")).toHaveLength(CAP);
    },
  );
});
