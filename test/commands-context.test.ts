import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runContext } from "../src/commands/context.js";
import { configSchema } from "../src/config/schema.js";
import { silentLogger } from "../src/log.js";
import { copyRustFixture } from "./helpers/rust-fixture-repo.js";

const LINES = readFileSync(new URL("./fixtures/logs/tracing-shapes.jsonl", import.meta.url), "utf8").split(
  "\n",
);

function io() {
  let out = "";
  let err = "";
  return {
    io: {
      log: silentLogger(),
      out: (t: string) => {
        out += t;
      },
      err: (t: string) => {
        err += t;
      },
      now: () => 0,
    },
    out: () => out,
    err: () => err,
  };
}

describe("ai-monitor context --line", () => {
  it("prints the bundle that would be sent for the line, as JSON, redacted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ai-monitor-cmd-ctx-"));
    await writeFile(join(dir, "server.log"), `${LINES.slice(0, 3).join("\n")}\n`);
    const repo = await copyRustFixture();
    const config = configSchema.parse({ watch: { paths: [join(dir, "*.log")] }, repoPath: repo });
    const run = io();
    expect(await runContext(config, { line: LINES[1]! }, run.io)).toBe(0);
    const printed = JSON.parse(run.out());
    expect(printed.incident).toEqual({
      fingerprint: "AI_003:server::domain::ai::service",
      errorCode: "AI_003",
      target: "server::domain::ai::service",
      requestId: "req_7f3a1c",
      message: "Claude API timeout after 30000ms",
    });
    expect(printed.bundle.items.map((i: { id: string }) => i.id)).toEqual([
      "logs:error",
      "logs:request",
      "source:src/domain/ai/service.rs",
      "source:src/global/error.rs#AI_003",
      "logs:occurrences",
    ]);
    expect(printed.bundle.tokens).toMatchObject({ budget: 6000 });
    expect(printed.bundle.partial).toEqual([expect.stringMatching(/^git: .* is not a git repository/)]);
    expect(run.out()).not.toContain("CANARY");
  });

  it("redacts the canary line's secret before printing", async () => {
    const run = io();
    const config = configSchema.parse({ watch: { paths: ["/nonexistent-ai-monitor/*.log"] } });
    expect(await runContext(config, { line: LINES[9]! }, run.io)).toBe(0);
    expect(run.out()).not.toContain("CANARY");
    expect(run.out()).toContain("[REDACTED:sensitive-field]");
    // What the line lost when parsed is counted by rule (it used to print "redactions": {}).
    expect(JSON.parse(run.out()).bundle.redactions["sensitive-field"]).toBeGreaterThanOrEqual(1);
  });

  it("exits 2 on a line that is not a tracing JSON line", async () => {
    const run = io();
    expect(await runContext(configSchema.parse({}), { line: "thread 'main' panicked" }, run.io)).toBe(2);
    expect(run.err()).toContain("not a tracing JSON log line (not_json)");
    expect(run.out()).toBe("");
  });
});
