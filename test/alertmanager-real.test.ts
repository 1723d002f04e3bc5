/**
 * The webhook against a real Alertmanager (Debian's prometheus-alertmanager): alerts posted to its API v2 are
 * grouped by error_code/target and delivered to our receiver with the bearer token; resolutions follow; a 503
 * makes Alertmanager retry, and the retry creates no duplicate.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import type { Incident } from "../src/domain/types.js";
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
const AMTOOL = "/usr/bin/amtool";
const TOKEN = "alertmanager-test-token-0123456789";
const WAIT_MS = 15_000;

const missing = [ALERTMANAGER, AMTOOL].filter((bin) => !existsSync(bin));
const inCi = process.env.CI === "true";
const skip = missing.length > 0 && !inCi;
const missingReason = `${missing.join(" and ")} not found (install Debian's prometheus-alertmanager package)`;
if (skip) console.warn(`alertmanager-real.test.ts: skipping, ${missingReason}`);

interface Received {
  groupKey: string;
  status: number;
}

let dir: string;
let store: Store;
let receiver: ServerType;
let alertmanager: LoggedChild | null = null;
let alertmanagerUrl: string;
const received: Received[] = [];
/** groupKeys whose first POST the receiver answers 503 (after storing: the answer is what gets lost). */
const failFirstPostOf = new Set<string>();

/** How long to wait for Alertmanager and its deliveries; a timeout shows Alertmanager's log. */
const waiting = {
  timeoutMs: WAIT_MS,
  intervalMs: 100,
  context: () => `alertmanager log:\n${alertmanager?.log() ?? ""}`,
};

/** The Alertmanager config under test, as an operator would write it (see README). */
const alertmanagerYaml = (receiverUrl: string) => `
route:
  receiver: ai-monitor
  group_by: [error_code, target]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: ai-monitor
    webhook_configs:
      - url: ${receiverUrl}
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKEN}
`;

beforeAll(async () => {
  if (missing.length > 0) {
    if (inCi) throw new Error(`CI=true but ${missingReason}: .ci/run must install it`);
    return;
  }
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ai-monitor-am-"));
  store = createSqliteStore({ path: path.join(dir, "db.sqlite") });
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
  const app = createApp({ intake, store, config, log: silentLogger(), metrics, now: Date.now });
  // The wrapper sees every delivery; for chosen groups it lets the app store the alerts, then loses the answer.
  const receiverFetch = async (request: Request) => {
    const { groupKey } = (await request.clone().json()) as { groupKey: string };
    const response = await app.fetch(request);
    const fail = failFirstPostOf.delete(groupKey);
    received.push({ groupKey, status: fail ? 503 : response.status });
    return fail ? Response.json({ error: "injected failure" }, { status: 503 }) : response;
  };
  receiver = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: receiverFetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const receiverPort = (receiver.address() as AddressInfo).port;

  const configFile = path.join(dir, "alertmanager.yml");
  await fs.writeFile(configFile, alertmanagerYaml(`http://127.0.0.1:${receiverPort}/webhook/alertmanager`));
  const port = await freePort();
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawnLogged(ALERTMANAGER, [
    `--config.file=${configFile}`,
    `--storage.path=${path.join(dir, "am-data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
    "--log.level=debug",
  ]);
  await until(
    "Alertmanager to be ready",
    async () => {
      if (alertmanager?.child.exitCode !== null)
        throw new Error(`alertmanager exited with ${alertmanager?.child.exitCode}`);
      const res = await fetch(`${alertmanagerUrl}/-/ready`).catch(() => null);
      return res?.ok ? true : undefined;
    },
    waiting,
  );
}, 30_000);

afterAll(async () => {
  await alertmanager?.stop();
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
  await store?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** error_code, target, instance */
type TestAlert = [string, string, string];

/** Post alerts through Alertmanager's own API v2, firing (no endsAt) or resolved (endsAt given). */
async function postAlerts(alerts: TestAlert[], startsAt: string, endsAt?: string): Promise<void> {
  const body = alerts.map(([code, target, instance]) => ({
    labels: { alertname: "ServerErrorLogged", error_code: code, target, severity: "error", instance },
    annotations: { summary: `ERROR logs for ${code} in ${target}` },
    startsAt,
    ...(endsAt ? { endsAt } : {}),
    generatorURL: "http://loki:3100/graph",
  }));
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

const storedOf = async (fingerprints: string[]) =>
  (await store.listIncidents({ limit: 500 })).filter((i) => fingerprints.includes(i.fingerprint));

/** The stored incidents of these fingerprints, once their counts add up to `totalCount`. */
async function incidentsOf(fingerprints: string[], totalCount: number): Promise<Incident[]> {
  return until(
    `incidents for ${fingerprints.join(", ")}`,
    async () => {
      const all = await storedOf(fingerprints);
      return all.reduce((sum, i) => sum + i.count, 0) >= totalCount ? all : undefined;
    },
    waiting,
  );
}

const byFingerprint = (incidents: Incident[]) =>
  Object.fromEntries(
    incidents.map((i) => [i.fingerprint, { count: i.count, status: i.status, source: i.source }]),
  );

describe("real Alertmanager -> webhook", () => {
  it.skipIf(skip)("the generated config passes amtool check-config", async () => {
    const { stdout } = await promisify(execFile)(AMTOOL, [
      "check-config",
      path.join(dir, "alertmanager.yml"),
    ]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it.skipIf(skip)("delivers grouped alerts as one incident per fingerprint, then resolves them", async () => {
    const alerts: TestAlert[] = [
      ["AI_003", "server::domain::ai::service", "a"],
      ["AI_003", "server::domain::ai::service", "b"],
      ["DB_001", "server::infra::db", "a"],
      ["AUTH_002", "server::api::auth", "a"],
    ];
    const fingerprints = [
      "AI_003:server::domain::ai::service",
      "DB_001:server::infra::db",
      "AUTH_002:server::api::auth",
    ];
    const startsAt = new Date().toISOString();
    await postAlerts(alerts, startsAt);
    const incidents = await incidentsOf(fingerprints, alerts.length);
    expect(incidents).toHaveLength(3);
    expect(incidents.every((i) => i.severity === "high" && i.errorCode !== null)).toBe(true);
    expect(byFingerprint(incidents)).toEqual({
      "AI_003:server::domain::ai::service": { count: 2, status: "open", source: "alertmanager" },
      "DB_001:server::infra::db": { count: 1, status: "open", source: "alertmanager" },
      "AUTH_002:server::api::auth": { count: 1, status: "open", source: "alertmanager" },
    });

    const endsAt = new Date().toISOString();
    await postAlerts(alerts, startsAt, endsAt);
    const resolved = await until(
      "resolutions",
      async () => {
        const all = await storedOf(fingerprints);
        return all.every((i) => i.status === "resolved") ? all : undefined;
      },
      waiting,
    );
    expect(resolved).toHaveLength(3);
    for (const incident of resolved) expect(incident.resolvedAt).toBe(Date.parse(endsAt));
    expect(received.every((r) => r.status === 200)).toBe(true);
  });

  it.skipIf(skip)("a 503 makes Alertmanager retry, and the retry creates no duplicate", async () => {
    const alerts: TestAlert[] = [
      ["PAY_001", "server::billing", "a"],
      ["PAY_001", "server::billing", "b"],
      ["PAY_001", "server::billing", "c"],
      ["MAIL_004", "server::notify::mail", "a"],
    ];
    const groups = [
      '{}:{error_code="PAY_001", target="server::billing"}',
      '{}:{error_code="MAIL_004", target="server::notify::mail"}',
    ];
    for (const group of groups) failFirstPostOf.add(group);
    await postAlerts(alerts, new Date().toISOString());
    // Wait for the retry to be answered 200, not just for the first (stored, then "lost") delivery.
    await until(
      "Alertmanager's retries",
      async () =>
        groups.every((g) => received.some((r) => r.groupKey === g && r.status === 200)) ? true : undefined,
      waiting,
    );
    for (const group of groups) {
      expect(received.filter((r) => r.groupKey === group)[0]?.status).toBe(503);
    }
    const incidents = await incidentsOf(["PAY_001:server::billing", "MAIL_004:server::notify::mail"], 4);
    expect(incidents).toHaveLength(2);
    expect(byFingerprint(incidents)).toEqual({
      "PAY_001:server::billing": { count: 3, status: "open", source: "alertmanager" },
      "MAIL_004:server::notify::mail": { count: 1, status: "open", source: "alertmanager" },
    });
  });
});
