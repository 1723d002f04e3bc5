/**
 * End to end: the whole secret corpus enters a real `ai-monitor serve` through the file tail, the Alertmanager
 * webhook and the Grafana webhook, with Discord, GitHub and the Anthropic API faked. Not one secret may appear in
 * the console output, ai-monitor's own logs, the JSONL file, the raw bytes of the SQLite files (WAL included),
 * any request sent to the fakes, or what `context --line` prints.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runContext } from "../src/commands/context.js";
import { configSchema } from "../src/config/schema.js";
import { silentLogger } from "../src/log.js";
import { buildCorpus, needles } from "./fixtures/secret-corpus.js";
import { type FakeAnthropic, startFakeAnthropic } from "./helpers/fake-anthropic.js";
import { type FakeDiscord, startFakeDiscord } from "./helpers/fake-discord.js";
import { type FakeGithub, startFakeGithub } from "./helpers/fake-github.js";
import { corpusAlertmanagerBody, corpusGrafanaBody, corpusGroupedLines } from "./helpers/secret-lines.js";
import { readJsonl, type ServeProcess, startServe, waitFor } from "./helpers/serve-process.js";

const corpus = buildCorpus();
const GROUP = 10;
const lines = corpusGroupedLines(corpus, GROUP, Date.now() - 5_000);
const amBody = corpusAlertmanagerBody(corpus, GROUP);
const gfBody = corpusGrafanaBody(corpus, GROUP);
const expected = lines.length + (amBody.alerts as unknown[]).length + (gfBody.alerts as unknown[]).length;

function leaks(where: string, text: string): string[] {
  return corpus.flatMap((e) =>
    needles(e)
      .filter((n) => text.includes(n))
      .map((n) => `${where}: ${e.format} (${n})`),
  );
}

let dir: string;
let discord: FakeDiscord;
let github: FakeGithub;
let anthropic: FakeAnthropic;
let serve: ServeProcess | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ai-monitor-redaction-e2e-"));
  [discord, github, anthropic] = await Promise.all([
    startFakeDiscord(),
    startFakeGithub(),
    startFakeAnthropic({ apiKey: "fake-anthropic-key" }),
  ]);
  writeFileSync(join(dir, "server.log"), `${lines.join("\n")}\n`);
  const yaml = [
    "listen: 127.0.0.1:0",
    `store: { sqlitePath: ${JSON.stringify(join(dir, "db.sqlite"))} }`,
    `watch: { paths: [${JSON.stringify(join(dir, "server.log"))}], fromBeginning: true, pollInterval: 100ms }`,
    "sinks:",
    "  console: true",
    `  jsonl: ${JSON.stringify(join(dir, "incidents.jsonl"))}`,
    `  discord: { webhookUrl: ${JSON.stringify(discord.webhookUrl)} }`,
    `  github: { token: ${JSON.stringify(github.token)}, repository: ${github.repository}, apiUrl: ${JSON.stringify(github.apiUrl)} }`,
    `anthropic: { apiKey: fake-anthropic-key, baseUrl: ${JSON.stringify(anthropic.url)} }`,
    "diagnosis: { ratePerHour: 1000, dailyBudgetUsd: 1000, monthlyBudgetUsd: 1000 }",
    // Every incident gets an issue too, whatever severity the fake diagnosis answers.
    "dispatch: { routes: { github: { severities: [critical, high, medium, low] } } }",
  ].join("\n");
  writeFileSync(join(dir, "ai-monitor.yaml"), `${yaml}\n`);
  serve = await startServe(["--config", join(dir, "ai-monitor.yaml")], { LOG_LEVEL: "debug" });
}, 30_000);

afterAll(async () => {
  if (serve && serve.child.exitCode === null) await serve.kill();
  await Promise.all([discord?.close(), github?.close(), anthropic?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("no secret of the corpus leaves ai-monitor", () => {
  it(`through the file tail and both webhooks (${corpus.length} secrets)`, async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${serve!.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post("/webhook/alertmanager", amBody)).status).toBe(200);
    expect((await post("/webhook/grafana", gfBody)).status).toBe(200);

    const jsonl = join(dir, "incidents.jsonl");
    await waitFor(
      () => readJsonl(jsonl).length >= expected,
      180_000,
      `${expected} incidents in the JSONL file`,
    );
    await waitFor(() => discord.messages.size >= expected, 180_000, `${expected} Discord messages`);
    await waitFor(() => github.issues.length >= expected, 180_000, `${expected} GitHub issues`);
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(expected);

    // The store's files while the process runs (WAL not yet checkpointed), then after a clean stop.
    const storeBytes = () =>
      ["db.sqlite", "db.sqlite-wal", "db.sqlite-shm"]
        .map((f) => join(dir, f))
        .filter(existsSync)
        .map((f) => readFileSync(f).toString("latin1"))
        .join("\n");
    const whileRunning = storeBytes();
    expect(await serve!.terminate()).toBe(0);

    const found = [
      ...leaks("console", serve!.output()),
      ...leaks("ai-monitor logs", serve!.logs()),
      ...leaks("JSONL", readFileSync(jsonl, "utf8")),
      ...leaks("SQLite files while running", whileRunning),
      ...leaks("SQLite files after stop", storeBytes()),
      ...leaks("Discord", JSON.stringify([...discord.messages.values()])),
      ...leaks("Discord paths", JSON.stringify(discord.requests)),
      ...leaks("GitHub", JSON.stringify({ issues: github.issues, comments: [...github.comments.values()] })),
      ...leaks("GitHub paths", JSON.stringify(github.requests)),
      ...leaks("Anthropic", anthropic.requests.map((r) => `${r.path}\n${r.text}`).join("\n")),
    ];
    expect(found).toEqual([]);
    // The redaction is visible, naming its rule.
    expect(readFileSync(jsonl, "utf8")).toMatch(/\[REDACTED:[a-z0-9-]+\]/);
    expect(serve!.output()).toMatch(/\[REDACTED:[a-z0-9-]+\]/);
  }, 420_000);

  it("through `context --line` for every corpus line", async () => {
    const config = configSchema.parse({ watch: { paths: [join(dir, "server.log")] } });
    let out = "";
    for (const line of lines) {
      const io = { log: silentLogger(), out: (t: string) => (out += t), err: (t: string) => (out += t) };
      expect(await runContext(config, { line }, io)).toBe(0);
    }
    expect(leaks("context --line", out)).toEqual([]);
    const counts = JSON.parse(out.slice(0, out.indexOf("\n}\n") + 2)).bundle.redactions;
    expect(Object.values(counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 60_000);
});
