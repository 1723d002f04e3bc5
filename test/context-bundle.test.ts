/**
 * Done-when of the context stage: for the design's example error (AI_003 in server::domain::ai::service) against
 * the Rust fixture crate with a real git history and a format-exact fake Loki, the bundle holds the emitting
 * line of service.rs, its recent commits, the request's other lines, and no secret, within the budget.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parser } from "@grafana/lezer-logql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { previewIncident } from "../src/commands/context.js";
import { configSchema } from "../src/config/schema.js";
import { itemTokens } from "../src/context/budget.js";
import type { GatheredBundle } from "../src/context/context.js";
import { type ContextConfigSource, createDefaultContextGatherer } from "../src/context/create-gatherer.js";
import type { Incident } from "../src/domain/types.js";
import { eventToSignal, parseTracingLine } from "../src/ingest/tracing-json.js";
import { silentLogger } from "../src/log.js";
import { entriesFromLines, type FakeLoki, startFakeLoki } from "./helpers/fake-loki.js";
import { makeRustFixtureRepo } from "./helpers/rust-fixture-repo.js";

const FIXTURE_LINES = readFileSync(
  new URL("./fixtures/logs/tracing-shapes.jsonl", import.meta.url),
  "utf8",
).split("\n");
const SEED_ERROR = FIXTURE_LINES[1]!;
// A line of the same request that Loki holds but ai-monitor never parsed: its secrets must still go.
const SECRET_TRAIL_LINE = JSON.stringify({
  timestamp: "2026-11-26T09:14:02.500000Z",
  level: "DEBUG",
  fields: {
    message:
      "calling Claude at https://svc:CANARYPASS@api.example/v1 with Bearer sk-ant-api03-CANARYCANARYCANARY",
    request_id: "req_7f3a1c",
    api_key: "CANARYPLAINVALUE",
  },
  target: "server::domain::ai::client",
});
const EARLIER_OCCURRENCE = JSON.parse(
  readFileSync("/work/shared/fixtures/loki/query_range-streams.json", "utf8"),
).data.result[0].values[1][1] as string;

function seedIncident(): Incident {
  const parsed = parseTracingLine(SEED_ERROR);
  if (!parsed.ok) throw new Error("fixture line 2 must parse");
  return previewIncident(eventToSignal(parsed.event), Date.parse("2026-11-26T09:15:00Z"));
}

function config(patch: Record<string, unknown>): ContextConfigSource {
  return configSchema.parse({
    loki: { url: null },
    repoPath: null,
    watch: { paths: [], maxLineBytes: 1024 * 1024 },
    ...patch,
  });
}

const item = (bundle: GatheredBundle, id: string) => bundle.items.find((i) => i.id === id);

function expectValidLogql(query: string) {
  let errors = 0;
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError) errors++;
    },
  });
  expect(errors, query).toBe(0);
}

describe("context bundle for the design's AI_003 error", () => {
  let repo: string;
  let loki: FakeLoki;
  let serviceEmitLine: number;

  beforeAll(async () => {
    repo = await makeRustFixtureRepo();
    const service = readFileSync(join(repo, "src/domain/ai/service.rs"), "utf8").split("\n");
    serviceEmitLine = service.findIndex((l) => l.includes('"Claude API timeout after {}ms"')) + 1;
    const stored = [...FIXTURE_LINES.filter((l) => l.startsWith("{")), SECRET_TRAIL_LINE, EARLIER_OCCURRENCE];
    loki = await startFakeLoki({
      entries: entriesFromLines(stored, {
        job: "server",
        service_name: "server",
        filename: "/var/log/server/server.log",
      }),
    });
  });
  afterAll(async () => {
    await loki.close();
  });

  it("holds the emitting line, its commits, the request's other lines and no secret, within the budget", async () => {
    const gatherer = createDefaultContextGatherer({
      config: config({ loki: { url: loki.url, tenant: "team-a" }, repoPath: repo }),
      log: silentLogger(),
    });
    const bundle = await gatherer.gather(seedIncident());

    expect(bundle.partial).toEqual([]);
    expect(bundle.items.map((i) => i.id)).toEqual([
      "logs:error",
      "logs:request",
      "source:src/domain/ai/service.rs",
      "source:src/global/error.rs#AI_003",
      "git:files",
      "git:repo",
      "logs:occurrences",
    ]);
    const source = item(bundle, "source:src/domain/ai/service.rs")!;
    expect(source.text).toMatch(
      new RegExp(`^>\\s*${serviceEmitLine} \\| .*"Claude API timeout after \\{\\}ms"`, "m"),
    );
    expect(source.text).toContain("pub const TIMEOUT_SECS: u64 = 30;");
    expect(item(bundle, "source:src/global/error.rs#AI_003")!.text).toMatch(/^>\s*\d+ \|\s+AI_003,$/m);
    expect(item(bundle, "git:files")!.text).toContain("ai: stop retrying timed-out Claude calls");
    expect(item(bundle, "git:files")!.text).toContain("src/domain/ai/service.rs");
    expect(item(bundle, "git:repo")!.text).toContain("docs: deploy with token [REDACTED:");

    const trail = item(bundle, "logs:request")!.text;
    expect(trail).toContain("request started");
    expect(trail).toContain("calling Claude");
    expect(item(bundle, "logs:occurrences")!.text).toContain("req_55aa01");

    const sent = JSON.stringify(bundle);
    expect(sent).not.toContain("CANARY");
    expect(bundle.redactions).toMatchObject({
      "anthropic-key": expect.any(Number),
      "url-credentials": 1,
      "sensitive-field": 1,
      "github-token": 1,
    });
    const used = bundle.items.reduce((n, i) => n + itemTokens(i), 0);
    expect(used).toBe(bundle.tokens.estimated);
    expect(used).toBeLessThanOrEqual(6000);

    expect(loki.queries).toHaveLength(2);
    for (const q of loki.queries) {
      expectValidLogql(q.query);
      expect(q.tenant).toBe("team-a");
    }
  });

  it("cuts explicitly and stays within a small budget", async () => {
    const gatherer = createDefaultContextGatherer({
      config: config({
        loki: { url: loki.url },
        repoPath: repo,
        context: { budgetTokens: 700 },
      }),
      log: silentLogger(),
    });
    const bundle = await gatherer.gather(seedIncident());
    expect(bundle.tokens).toMatchObject({ budget: 700 });
    expect(bundle.tokens.estimated).toBeLessThanOrEqual(700);
    expect(bundle.items[0]!.id).toBe("logs:error");
    expect(bundle.partial.some((p) => p.startsWith("budget: "))).toBe(true);
    expect(JSON.stringify(bundle)).toMatch(/\[\.\.\. \d+ lines omitted\]|dropped/);
  });

  it("uses the tailed file when there is no Loki, and says when there is no repository", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ai-monitor-ctx-files-"));
    const log = join(dir, "server.log");
    const lines = [FIXTURE_LINES[0]!, SECRET_TRAIL_LINE, ...FIXTURE_LINES.slice(1)];
    await writeFile(log, lines.join("\n"));
    const gatherer = createDefaultContextGatherer({
      config: config({ watch: { paths: [join(dir, "*.log")], maxLineBytes: 1024 * 1024 } }),
      log: silentLogger(),
    });
    const bundle = await gatherer.gather(seedIncident());
    const trail = item(bundle, "logs:request")!.text.split("\n");
    expect(trail).toHaveLength(3);
    expect(trail[0]).toContain("request started");
    expect(trail[2]).toContain("Claude API timeout after 30000ms");
    expect(item(bundle, "logs:occurrences")!.text).toContain("req_91bd04");
    expect(bundle.partial).toEqual([expect.stringMatching(/^repo: skipped: no repository configured/)]);
    expect(JSON.stringify(bundle)).not.toContain("CANARY");
  });
});
