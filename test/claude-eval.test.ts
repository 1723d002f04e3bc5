/**
 * `npm run eval` end to end: the offline diagnoser when no key is set (the harness itself is tested), and the
 * Claude diagnoser through the real SDK against the fake API, with tokens and cost per diagnosis reported.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runEval } from "../src/commands/eval.js";
import { configSchema } from "../src/config/schema.js";
import { silentLogger } from "../src/log.js";
import { type FakeAnthropic, startFakeAnthropic } from "./helpers/fake-anthropic.js";

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

function output() {
  let text = "";
  const write = (t: string) => {
    text += t;
  };
  return { write, text: () => text, log: silentLogger() };
}

describe("eval", () => {
  it("runs the offline diagnoser over every scenario without an API key", async () => {
    const io = output();
    const { report, exitCode } = await runEval(configSchema.parse({}), {}, io);
    expect(report.diagnoser).toBe("offline");
    expect(report.total).toBeGreaterThanOrEqual(12);
    expect(report.results.every((r) => r.by === "offline" && r.costUsd === 0)).toBe(true);
    expect(exitCode).toBe(0);
    expect(io.text()).toMatch(/no API key: the offline catalog diagnoser/);
    expect(io.text()).toMatch(/accuracy: \d+\/\d+ \(\d+%; target > 70%\)/);
    expect(io.text()).toMatch(/mean cost per diagnosis: \$0\.0000/);
  });

  it("runs Claude through the SDK when a key is set, reporting tokens and cost; --min-accuracy gates", async () => {
    fake = await startFakeAnthropic();
    const config = configSchema.parse({ anthropic: { apiKey: "sk-ant-test", baseUrl: fake.url } });
    const io = output();
    const { report, exitCode } = await runEval(
      config,
      { only: ["ai-timeout-tight-limit", "disk-full-exports"], minAccuracy: 0.7 },
      io,
    );
    expect(report.diagnoser).toBe("claude-sonnet-5-5");
    expect(report.results.map((r) => [r.id, r.by, r.calls])).toEqual([
      ["ai-timeout-tight-limit", "claude-sonnet-5-5", 1],
      ["disk-full-exports", "claude-sonnet-5-5", 1],
    ]);
    expect(report.meanInputTokens).toBeGreaterThan(1000);
    expect(report.meanCostUsd).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(2);
    // The fake's placeholder answers name no root cause: accuracy 0 fails the gate.
    expect(report.accuracy).toBe(0);
    expect(exitCode).toBe(1);
  });

  it("prints JSON with --json", async () => {
    const io = output();
    await runEval(configSchema.parse({}), { json: true, only: ["tls-certificate-expired"] }, io);
    expect(JSON.parse(io.text())).toMatchObject({ total: 1, results: [{ id: "tls-certificate-expired" }] });
  });
});
