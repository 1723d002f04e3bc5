/**
 * deploy/docker-compose.yml and the ai-monitor image: valid against the Compose Specification JSON schema and
 * for Debian's docker-compose (which runs `config` without an engine), images pinned to the versions the stack
 * is built for, every mounted file present, the `ha` profile wired to the Alertmanager and Prometheus configs.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { binaryGate, readYaml, repoPath, runTool } from "./helpers/stack-tools.js";

const DOCKER_COMPOSE = "/usr/bin/docker-compose";
const gate = binaryGate("stack-compose.test.ts", [{ bin: DOCKER_COMPOSE, debianPackage: "docker-compose" }]);
beforeAll(() => gate.check());

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  tmpfs?: string[];
  command?: string[] | string;
  depends_on?: Record<string, { condition: string }> | string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const COMPOSE_FILE = repoPath("deploy/docker-compose.yml");
const composeText = readFileSync(COMPOSE_FILE, "utf8");
const compose = parseYaml(composeText, { merge: true }) as Compose;
const services = compose.services;
const dockerfile = readFileSync(repoPath("deploy/Dockerfile"), "utf8");
const envExample = readFileSync(repoPath("deploy/.env.example"), "utf8");

/** The Compose Specification schema shipped in node_modules (docker-compose, a dependency of testcontainers). */
function composeSchema(): z.ZodType {
  const pkg = createRequire(import.meta.url).resolve("docker-compose/package.json");
  const file = join(dirname(pkg), "schema", "compose-spec.json");
  const schema = JSON.parse(readFileSync(file, "utf8"));
  expect(schema.title).toBe("Compose Specification");
  return z.fromJSONSchema(schema, { defaultTarget: "draft-7" });
}

const tagOf = (image: string | undefined) => image?.split(":")[1] ?? "";
const imageOf = (name: string) => services[name]?.image ?? "";

describe("Compose Specification JSON schema", () => {
  const schema = composeSchema();

  it("the compose file validates", () => {
    const result = schema.safeParse(compose);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it("the validator rejects a misspelt key and a bad depends_on condition", () => {
    const typo = structuredClone(compose) as unknown as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    typo.services!.loki!.prots = ["3100:3100"];
    expect(schema.safeParse(typo).success).toBe(false);
    const condition = structuredClone(compose);
    condition.services["ai-monitor-a"]!.depends_on = { postgres: { condition: "when_ready" } };
    expect(schema.safeParse(condition).success).toBe(false);
  });
});

describe("docker-compose config (Debian's docker-compose, no engine needed)", () => {
  // Only PATH and HOME from this process: variables set where the tests run must not leak into the result.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const config = (args: string[], envFile: string) =>
    runTool(DOCKER_COMPOSE, ["--env-file", envFile, ...args, "config"], { cwd: repoPath("deploy"), env });

  it.skipIf(gate.skip)("accepts the file with .env.example, for each profile and all at once", async () => {
    const every = ["--profile", "promtail", "--profile", "ha"];
    for (const profile of [[], ["--profile", "promtail"], ["--profile", "ha"], every]) {
      const result = await config(profile, repoPath("deploy/.env.example"));
      expect(result.code, `${profile.join(" ")}\n${result.output}`).toBe(0);
    }
  });

  it.skipIf(gate.skip)(
    "works with no .env at all, and leaves the token for the container's shell",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "ai-monitor-compose-"));
      const empty = join(dir, "empty.env");
      await writeFile(empty, "");
      const result = await config([], empty).finally(() => rm(dir, { recursive: true, force: true }));
      expect(result.code, result.output).toBe(0);
      const resolved = parseYaml(result.stdout) as Compose;
      // $$ in the file: compose hands the variable to the container's shell instead of expanding it on the host
      // (its `config` output keeps the escape, so the output is itself a valid compose file).
      const command = String(resolved.services.alertmanager?.command);
      expect(command).toContain('"$$AI_MONITOR_WEBHOOK_TOKEN"');
      expect(command).not.toContain("local-stack-token");
      expect(
        resolved.services["ai-monitor"]?.environment?.AI_MONITOR_WEBHOOK_TOKEN?.length,
      ).toBeGreaterThanOrEqual(16);
    },
  );

  it.skipIf(gate.skip)("reports a broken file (the check really checks)", async () => {
    const broken = repoPath("deploy/.env.example"); // not a compose file at all
    const result = await runTool(DOCKER_COMPOSE, ["-f", broken, "config", "-q"], {
      cwd: repoPath("deploy"),
      env,
    });
    expect(result.code).not.toBe(0);
  });
});

/**
 * The oldest image each service may use: the current patch releases when the stack was last reviewed
 * (docs/stack.md lists where each was checked). Raise these when Renovate's update is merged; a pin below
 * them fails. Same repository, and the same variant suffix (`-bookworm-slim`), are required too.
 */
const MINIMUM_PINS: Record<string, string> = {
  loki: "grafana/loki:3.7.8",
  alloy: "grafana/alloy:v1.21.0",
  promtail: "grafana/promtail:3.6.11",
  alertmanager: "prom/alertmanager:v0.35.1",
  prometheus: "prom/prometheus:v3.13.3",
  grafana: "grafana/grafana:13.1.6",
  postgres: "postgres:17.11-bookworm",
  loggen: "node:24.21.0-bookworm-slim",
};

interface ImageRef {
  repository: string;
  version: number[];
  suffix: string;
}

/** Pure: `repo:v1.2.3-variant` split into repository, numeric version and variant; null for anything else. */
function parseImage(image: string): ImageRef | null {
  const m = /^([^:@\s]+):v?(\d+(?:\.\d+)*)(-[\w.-]+)?$/.exec(image);
  if (!m) return null;
  return { repository: m[1]!, version: m[2]!.split(".").map(Number), suffix: m[3] ?? "" };
}

/** Pure: why `image` is not at least `minimum` (other repository, variant or an older version), or null. */
function belowMinimum(image: string, minimum: string): string | null {
  const have = parseImage(image);
  const want = parseImage(minimum);
  if (!have || !want) return `${image}: not a pinned version tag`;
  if (have.repository !== want.repository) return `${image}: expected ${want.repository}`;
  if (have.suffix !== want.suffix) return `${image}: expected the ${want.suffix || "plain"} variant`;
  for (let i = 0; i < Math.max(have.version.length, want.version.length); i++) {
    const [a, b] = [have.version[i] ?? 0, want.version[i] ?? 0];
    if (a !== b) return a > b ? null : `${image} is older than ${minimum}`;
  }
  return null;
}

describe("images", () => {
  it("no compose image or Dockerfile base is older than the minimum pins", () => {
    const node = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? "";
    const problems = [
      ...Object.entries(MINIMUM_PINS).map(([name, minimum]) => belowMinimum(imageOf(name), minimum)),
      belowMinimum(node, MINIMUM_PINS.loggen!),
    ].filter((p) => p !== null);
    expect(problems).toEqual([]);
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(Object.keys(MINIMUM_PINS), `${name} has no minimum pin in this test`).toContain(name);
      expect(tagOf(service.image), name).not.toMatch(/^(latest)?$/);
    }
  });

  it("the pin check refuses older, unpinned and other images, and accepts newer ones", () => {
    expect(belowMinimum("prom/prometheus:v3.13.2", "prom/prometheus:v3.13.3")).toMatch(/older/);
    expect(belowMinimum("prom/prometheus:v3.9.9", "prom/prometheus:v3.13.3")).toMatch(/older/);
    expect(belowMinimum("grafana/loki:3.7", "grafana/loki:3.7.8")).toMatch(/older/);
    expect(belowMinimum("grafana/loki:latest", "grafana/loki:3.7.8")).toMatch(/not a pinned/);
    expect(belowMinimum("postgres:17.11", "postgres:17.11-bookworm")).toMatch(/variant/);
    expect(belowMinimum("bitnami/loki:3.8.0", "grafana/loki:3.7.8")).toMatch(/expected grafana\/loki/);
    expect(belowMinimum("prom/prometheus:v3.14.0", "prom/prometheus:v3.13.3")).toBeNull();
    expect(belowMinimum("postgres:18.1-bookworm", "postgres:17.11-bookworm")).toBeNull();
    expect(belowMinimum("node:24.21.0-bookworm-slim", "node:24.21.0-bookworm-slim")).toBeNull();
  });

  it("the log generator runs on the same Node LTS image as ai-monitor", () => {
    const node = /^ARG NODE_IMAGE=(node:(\d+)\.\d+\.\d+-\S+)$/m.exec(dockerfile);
    expect(node).not.toBeNull();
    expect(Number(node![2]) % 2, "even majors are the LTS lines").toBe(0);
    expect(Number(node![2])).toBeGreaterThanOrEqual(22);
    expect(imageOf("loggen")).toBe(node![1]);
  });
});

describe("the ai-monitor image", () => {
  it("is multi-stage, runs as a non-root user and has a healthcheck", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^USER (root|0)\b/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \[/m);
    expect(runtime).toContain("/readyz");
    expect(runtime).toMatch(/npm|node_modules/);
  });

  it("the build context is an allowlist that keeps secrets and local data out", () => {
    const ignore = readFileSync(repoPath("deploy/Dockerfile.dockerignore"), "utf8");
    expect(ignore.split("\n")).toContain("**");
    for (const path of ["package-lock.json", "src/**", "error-codes.yaml"])
      expect(ignore).toContain(`!${path}`);
    expect(ignore).not.toMatch(/^!.*\.env/m);
    for (const copied of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const file of copied[1]!.split(" ")) expect(existsSync(repoPath(file)), file).toBe(true);
  });

  it("ai-monitor and its replicas build from it", () => {
    for (const name of ["ai-monitor", "ai-monitor-a", "ai-monitor-b"]) {
      expect(services[name]?.build).toEqual({ context: "..", dockerfile: "deploy/Dockerfile" });
      expect(services[name]?.environment?.AI_MONITOR_LISTEN).toBe("0.0.0.0:9095");
    }
  });
});

describe("wiring", () => {
  it("every bind-mounted file or directory exists in the repository", () => {
    const sources = Object.values(services).flatMap((s) =>
      (s.volumes ?? []).map((v) => v.split(":")[0]!).filter((from) => from.startsWith(".")),
    );
    expect(sources.length).toBeGreaterThan(10);
    for (const from of sources) expect(existsSync(resolve(repoPath("deploy"), from)), from).toBe(true);
  });

  it("every named volume is declared", () => {
    const named = Object.values(services).flatMap((s) =>
      (s.volumes ?? [])
        .map((v) => v.split(":")[0]!)
        .filter((from) => !from.startsWith(".") && !from.startsWith("/")),
    );
    for (const name of named) expect(Object.keys(compose.volumes), name).toContain(name);
  });

  it("Alertmanager reads the webhook token from a file on a tmpfs, the same token ai-monitor expects", () => {
    const am = services.alertmanager!;
    expect(am.tmpfs).toContain("/etc/alertmanager/secrets");
    expect(String(am.command)).toContain("> /etc/alertmanager/secrets/webhook-token");
    expect(am.environment?.AI_MONITOR_WEBHOOK_TOKEN).toBe(
      services["ai-monitor"]?.environment?.AI_MONITOR_WEBHOOK_TOKEN,
    );
    expect(composeText).not.toMatch(/credentials:\s/);
  });

  it("the ha profile: PostgreSQL, two replicas on it, Alertmanager and Prometheus pointed at both", () => {
    const ha = Object.entries(services)
      .filter(([, s]) => s.profiles?.includes("ha"))
      .map(([name]) => name);
    expect(ha.sort()).toEqual(["ai-monitor-a", "ai-monitor-b", "postgres"]);
    for (const name of ["ai-monitor-a", "ai-monitor-b"]) {
      expect(services[name]?.environment?.DATABASE_URL).toMatch(
        /^postgres:\/\/ai_monitor:.+@postgres:5432\/ai_monitor$/,
      );
      expect(services[name]?.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    }
    const amHa = readFileSync(repoPath("prometheus/alertmanager-ha.yml"), "utf8");
    for (const name of ["ai-monitor-a", "ai-monitor-b"]) expect(amHa).toContain(`http://${name}:9095/`);
    const prometheus = readYaml<{
      scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[] }> }>;
    }>("prometheus/prometheus.yml");
    const haJob = prometheus.scrape_configs.find((j) => j.job_name === "ai-monitor-ha");
    expect(haJob?.dns_sd_configs?.[0]?.names).toEqual(["ai-monitor-a", "ai-monitor-b"]);
    expect(String(services.alertmanager?.command)).toContain(
      "--config.file=/etc/alertmanager/$$ALERTMANAGER_CONFIG",
    );
    expect(services.alertmanager?.volumes).toContain(
      "../prometheus/alertmanager-ha.yml:/etc/alertmanager/alertmanager-ha.yml:ro",
    );
  });

  it("every variable the compose file reads is documented in .env.example", () => {
    const used = new Set(Array.from(composeText.matchAll(/(?<!\$)\$\{(\w+)(?::?-[^}]*)?\}/g), (m) => m[1]!));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(envExample, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });

  it("the example token is long enough for ai-monitor's config (16 characters)", () => {
    const token = /^AI_MONITOR_WEBHOOK_TOKEN=(.*)$/m.exec(envExample)?.[1] ?? "";
    expect(token.length).toBeGreaterThanOrEqual(16);
  });

  it("Prometheus scrapes ai-monitor, Loki and Alertmanager at their compose names", () => {
    const prometheus = readYaml<{
      scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }> }>;
    }>("prometheus/prometheus.yml");
    const targets = prometheus.scrape_configs.flatMap(
      (j) => j.static_configs?.flatMap((s) => s.targets) ?? [],
    );
    for (const target of ["ai-monitor:9095", "loki:3100", "alertmanager:9093"])
      expect(targets).toContain(target);
    for (const target of targets.filter((t) => !t.startsWith("localhost")))
      expect(Object.keys(services)).toContain(target.split(":")[0]);
  });
});
