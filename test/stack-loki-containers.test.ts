/**
 * The production path with the real images (testcontainers): Loki with the shipped config and ruler rule,
 * Alertmanager with the shipped routing, ai-monitor receiving the webhook. An ERROR line pushed to Loki, in
 * each tracing shape, must become an incident with the right error code and target.
 *
 * Needs a Docker engine. Where there is none it skips with the reason, and it does so even with CI=true:
 * Docker cannot be installed on this project's machines or CI, so the test runs only where a developer has
 * Docker (`npx vitest run test/stack-loki-containers.test.ts`).
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import {
  GenericContainer,
  getContainerRuntimeClient,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  TestContainers,
  Wait,
} from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configSchema } from "../src/config/schema.js";
import { createApp } from "../src/http/app.js";
import { silentLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { createIntake } from "../src/pipeline/intake.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { repoPath } from "./helpers/stack-tools.js";

const TOKEN = "containers-test-token-0123456789";
const WAIT_MS = 120_000;

/** Where a Docker engine could answer; testcontainers is asked only when one of them exists. */
async function dockerEngine(): Promise<string | null> {
  const sockets = [
    "/var/run/docker.sock",
    join(homedir(), ".docker/run/docker.sock"),
    process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, "docker.sock") : "",
  ].filter((p) => p && existsSync(p));
  if (!process.env.DOCKER_HOST && sockets.length === 0)
    return "no Docker engine (DOCKER_HOST unset, no docker.sock)";
  try {
    await getContainerRuntimeClient();
    return null;
  } catch (err) {
    return `no usable Docker engine (${(err as Error).message})`;
  }
}

const noEngine = await dockerEngine();
if (noEngine)
  console.warn(
    `stack-loki-containers.test.ts: skipping, ${noEngine}. Docker cannot be installed on this machine or ` +
      "its CI, so this test skips even with CI=true; run it where Docker runs.",
  );

/** The image a compose service is pinned to, so the test follows deploy/docker-compose.yml. */
function composeImage(service: string): string {
  const compose = parseYaml(readFileSync(repoPath("deploy/docker-compose.yml"), "utf8"), { merge: true });
  return compose.services[service].image as string;
}

let dir: string;
let store: Store;
let receiver: ServerType;
let network: StartedNetwork;
const containers: StartedTestContainer[] = [];
let lokiUrl: string;

beforeAll(async () => {
  if (noEngine) return;
  dir = await mkdtemp(join(tmpdir(), "ai-monitor-containers-"));
  store = createSqliteStore({ path: join(dir, "db.sqlite") });
  await store.init();
  const config = configSchema.parse({ webhook: { token: TOKEN } });
  const metrics = createMetrics();
  const intake = createIntake({
    store,
    metrics,
    now: Date.now,
    policy: { windowMs: config.dedup.window, maxAgeMs: config.dedup.maxAge },
    wake: () => {},
  });
  const app = createApp({ intake, store, config, log: silentLogger(), metrics, now: Date.now });
  receiver = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const port = (receiver.address() as AddressInfo).port;
  await TestContainers.exposeHostPorts(port);
  network = await new Network().start();

  // The shipped routing, pointed at this process instead of the compose service.
  const alertmanagerYaml = readFileSync(repoPath("prometheus/alertmanager.yml"), "utf8").replace(
    "http://ai-monitor:9095/",
    `http://host.testcontainers.internal:${port}/`,
  );
  containers.push(
    await new GenericContainer(composeImage("alertmanager"))
      .withNetwork(network)
      .withNetworkAliases("alertmanager")
      .withCopyContentToContainer([
        { content: alertmanagerYaml, target: "/etc/alertmanager/alertmanager.yml" },
        { content: TOKEN, target: "/etc/alertmanager/secrets/webhook-token" },
      ])
      .withCommand([
        "--config.file=/etc/alertmanager/alertmanager.yml",
        "--storage.path=/alertmanager",
        "--cluster.listen-address=",
      ])
      .withExposedPorts(9093)
      .withWaitStrategy(Wait.forHttp("/-/ready", 9093))
      .start(),
  );

  // The shipped config and rule; only the rule group's interval is shortened so the test does not wait a minute.
  const rule = readFileSync(repoPath("loki/rules/fake/server-errors.yaml"), "utf8").replace(
    "interval: 1m",
    "interval: 5s",
  );
  const loki = await new GenericContainer(composeImage("loki"))
    .withNetwork(network)
    .withNetworkAliases("loki")
    .withCopyFilesToContainer([{ source: repoPath("loki/loki.yaml"), target: "/etc/loki/loki.yaml" }])
    .withCopyContentToContainer([{ content: rule, target: "/etc/loki/rules/fake/server-errors.yaml" }])
    .withCommand(["-config.file=/etc/loki/loki.yaml"])
    .withExposedPorts(3100)
    .withWaitStrategy(Wait.forHttp("/ready", 3100).withStartupTimeout(WAIT_MS))
    .start();
  containers.push(loki);
  lokiUrl = `http://${loki.getHost()}:${loki.getMappedPort(3100)}`;
}, WAIT_MS + 60_000);

afterAll(async () => {
  for (const c of containers.reverse()) await c.stop().catch(() => {});
  await network?.stop().catch(() => {});
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("Loki ruler -> Alertmanager -> ai-monitor (real images)", () => {
  it.skipIf(noEngine !== null)(
    "ERROR lines pushed to Loki, nested and flattened, become incidents keyed on error_code:target",
    async () => {
      const ns = (offsetMs: number) => `${(Date.now() - offsetMs) * 1_000_000}`;
      const nested = {
        timestamp: new Date().toISOString(),
        level: "ERROR",
        fields: { message: "Claude API timeout after 30000ms", error_code: "AI_003", request_id: "req_1" },
        target: "server::domain::ai::service",
      };
      const flattened = {
        timestamp: new Date().toISOString(),
        level: "ERROR",
        message: "failed to acquire connection from pool after 5000ms: pool timed out",
        error_code: "DB_001",
        request_id: "req_2",
        target: "server::infra::db::pool",
        filename: "src/infra/db/pool.rs",
        line_number: 41,
      };
      const warn = {
        timestamp: new Date().toISOString(),
        level: "WARN",
        fields: { message: "slow" },
        target: "x",
      };
      const res = await fetch(`${lokiUrl}/loki/api/v1/push`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          streams: [
            {
              stream: { job: "server", service_name: "server" },
              values: [
                [ns(300), JSON.stringify(nested)],
                [ns(200), JSON.stringify(flattened)],
                [ns(100), JSON.stringify(warn)],
              ],
            },
          ],
        }),
      });
      expect(res.status, await res.text()).toBe(204);

      const expected = ["AI_003:server::domain::ai::service", "DB_001:server::infra::db::pool"];
      const deadline = Date.now() + WAIT_MS;
      let incidents = await store.listIncidents({ limit: 50 });
      while (incidents.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        incidents = await store.listIncidents({ limit: 50 });
      }
      expect(incidents.map((i) => i.fingerprint).sort()).toEqual(expected);
      for (const incident of incidents) {
        expect(incident.source).toBe("alertmanager");
        expect(incident.errorCode).toBe(incident.fingerprint.split(":")[0]);
      }
    },
    WAIT_MS + 30_000,
  );
});
