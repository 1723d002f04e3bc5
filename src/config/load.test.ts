import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load.js";
import { maskedConfig } from "./mask.js";
import { configSchema } from "./schema.js";

const dir = mkdtempSync(join(tmpdir(), "ai-monitor-config-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("runs on defaults with no file and no environment", () => {
    const { config, file: from } = loadConfig({ env: {}, file: undefined });
    expect(from).toBeNull();
    expect(config.listen).toBe("127.0.0.1:9095");
    expect(config.store.sqlitePath).toBe("./data/ai-monitor.db");
    expect(config.watch.paths).toEqual(["./logs/*.log"]);
    expect(config.dedup.window).toBe(300_000);
    expect(config.diagnosis.ratePerHour).toBe(10);
  });

  it("hands each integration its settings as one block, gathered from where the YAML keeps them", () => {
    const { config } = loadConfig({
      env: { GITHUB_TOKEN: "ghp_token", GITHUB_REPOSITORY: "acme/server" },
      file: file(
        "blocks.yaml",
        [
          "sinks: { discord: { webhookUrl: 'https://discord.com/api/webhooks/1/abc' } }",
          "dispatch:",
          "  github: { closeOnResolve: false }",
          "  discord: { username: pager, timeout: 3s }",
          "  routes: { github: { severities: [critical] }, discord: { enabled: false } }",
          "feedback: { githubReactionPoll: 1m }",
        ].join("\n"),
      ),
    });
    expect(config.github).toEqual({
      token: "ghp_token",
      repository: "acme/server",
      apiUrl: "https://api.github.com",
      closeOnResolve: false,
      route: { enabled: true, severities: ["critical"], autoFixableOnly: false },
      reactionPollMs: 60_000,
    });
    expect(config.discord).toEqual({
      webhookUrl: "https://discord.com/api/webhooks/1/abc",
      username: "pager",
      timeoutMs: 3000,
      route: { enabled: false, severities: ["critical", "high", "medium", "low"], autoFixableOnly: false },
    });
  });

  it("ships an example that documents exactly the defaults", () => {
    const { config } = loadConfig({ file: "ai-monitor.example.yaml", env: {} });
    expect(config).toEqual(configSchema.parse({}));
  });

  it("lets the environment win over the file", () => {
    const path = file("env.yaml", "listen: 0.0.0.0:1\nstore:\n  sqlitePath: /from/file.db\n");
    const { config } = loadConfig({
      file: path,
      env: { AI_MONITOR_LISTEN: "127.0.0.1:7000", AI_MONITOR_DB: "/from/env.db", AI_MONITOR_AUTOFIX: "on" },
    });
    expect(config.listen).toBe("127.0.0.1:7000");
    expect(config.store.sqlitePath).toBe("/from/env.db");
    expect(config.autofix).toBe(true);
  });

  it("takes the file from AI_MONITOR_CONFIG and CLI overrides over everything", () => {
    const path = file("cfg.yaml", "dedup:\n  window: 10m\n");
    const { config } = loadConfig({
      env: { AI_MONITOR_CONFIG: path },
      overrides: { "watch.paths": ["/a/*.log"] },
    });
    expect(config.dedup.window).toBe(600_000);
    expect(config.watch.paths).toEqual(["/a/*.log"]);
  });

  it("lists every problem with its path, naming the variable it came from", () => {
    const path = file("bad.yaml", "dedup:\n  window: soon\nsinks:\n  bogus: 1\nwatch:\n  levels: [LOUD]\n");
    expect(problems(() => loadConfig({ file: path, env: { DATABASE_URL: "mysql://x" } }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dedup\.window: not a duration/),
        expect.stringMatching(/^sinks: Unrecognized key: "bogus"/),
        expect.stringMatching(/^watch\.levels\.0: /),
        expect.stringMatching(/^store\.databaseUrl \(from DATABASE_URL\): must start with postgres/),
      ]),
    );
  });

  it("reports unreadable files and broken YAML instead of crashing", () => {
    expect(problems(() => loadConfig({ file: join(dir, "missing.yaml"), env: {} }))[0]).toMatch(
      /cannot read/,
    );
    expect(problems(() => loadConfig({ file: file("broken.yaml", "a: [1,\n"), env: {} }))[0]).toMatch(
      /^\(yaml\)/,
    );
    expect(problems(() => loadConfig({ file: file("list.yaml", "- 1\n"), env: {} }))[0]).toMatch(/mapping/);
  });
});

describe("maskedConfig", () => {
  it("never prints a secret", () => {
    const { config } = loadConfig({
      env: {
        ANTHROPIC_API_KEY: "sk-ant-api03-SECRETSECRET",
        GITHUB_TOKEN: "ghp_SECRETSECRETSECRET",
        AI_MONITOR_WEBHOOK_TOKEN: "webhook-SECRET-token-123",
        DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/123/SECRETTOKEN",
        DATABASE_URL: "postgres://app:SECRETPW@db:5432/ai",
      },
    });
    const text = JSON.stringify(maskedConfig(config));
    expect(text).not.toMatch(/SECRET/);
    expect(text).toContain("https://discord.com/api/webhooks/123/***");
    expect(text).toContain('"window":"5m"');
  });
});

describe("ai-monitor.example.yaml", () => {
  it("names every key of the schema, so it documents them all", async () => {
    const { parse } = await import("yaml");
    const { readFileSync } = await import("node:fs");
    const written = parse(readFileSync("ai-monitor.example.yaml", "utf8")) as Record<string, unknown>;
    const keys = (value: unknown, prefix = ""): string[] =>
      value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    // `claude`, `budget`, `discord` and `github` are derived at load from the written sections: nobody writes them.
    const {
      claude: _claude,
      budget: _budget,
      discord: _discord,
      github: _github,
      ...writable
    } = configSchema.parse({});
    expect(keys(written).sort()).toEqual(keys(writable).sort());
  });
});
