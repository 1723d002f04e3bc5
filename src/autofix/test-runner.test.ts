import { describe, expect, it } from "vitest";
import { cargoTotals, runTests, splitCommand, testEnvironment } from "./test-runner.js";

describe("splitCommand", () => {
  it.each([
    ["cargo test", ["cargo", "test"]],
    ["cargo  test --offline -p server", ["cargo", "test", "--offline", "-p", "server"]],
    [`cargo test -- --skip "slow net"`, ["cargo", "test", "--", "--skip", "slow net"]],
    ["make 'check all'", ["make", "check all"]],
  ])("%s", (command, words) => {
    expect(splitCommand(command)).toEqual(words);
  });
});

describe("cargoTotals", () => {
  it("sums the result line of every test binary", () => {
    const output = [
      "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out",
      "test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out",
    ].join("\n");
    expect(cargoTotals(output)).toEqual({ passed: 4, failed: 2, ignored: 1 });
    expect(cargoTotals("error[E0308]: mismatched types")).toBeNull();
  });
});

describe("testEnvironment", () => {
  it("keeps ai-monitor's secrets out of the tests", () => {
    const env = testEnvironment(
      {
        PATH: "/usr/bin",
        HOME: "/home/u",
        GITHUB_TOKEN: "ghp_x",
        ANTHROPIC_API_KEY: "sk-ant",
        DISCORD_WEBHOOK_URL: "https://discord/x",
        DATABASE_URL: "postgres://u:p@h/db",
        AI_MONITOR_WEBHOOK_TOKEN: "t",
      },
      { CARGO_TARGET_DIR: "/tmp/t" },
    );
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/u",
      CARGO_TERM_COLOR: "never",
      CARGO_TARGET_DIR: "/tmp/t",
    });
  });
});

describe("runTests", () => {
  const node = process.execPath.includes(" ") ? "node" : process.execPath;

  it("passes on exit 0 and keeps the output", async () => {
    const run = await runTests({
      command: `${node} -e console.log("test_result_ok")`,
      cwd: ".",
      timeoutMs: 20_000,
    });
    expect(run).toMatchObject({ passed: true, exitCode: 0, timedOut: false });
    expect(run.outputTail).toContain("test_result_ok");
  });

  it("fails on a non-zero exit", async () => {
    const run = await runTests({ command: `${node} -e process.exit(3)`, cwd: ".", timeoutMs: 20_000 });
    expect(run).toMatchObject({ passed: false, exitCode: 3 });
    expect(run.summary).toMatch(/failed \(exit 3\)/);
  });

  // The grandchild shares stdout: if only the direct child died, the run would never finish.
  it("kills a run that outlives its timeout, child processes included", async () => {
    const script =
      "require('child_process').spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'inherit'});setInterval(()=>{},1000)";
    const run = await runTests({ command: `${node} -e ${JSON.stringify(script)}`, cwd: ".", timeoutMs: 300 });
    expect(run).toMatchObject({ passed: false, timedOut: true });
    expect(run.summary).toMatch(/timed out after 300ms/);
  });

  it("reports a command that cannot start", async () => {
    const run = await runTests({ command: "no-such-binary-ai-monitor test", cwd: ".", timeoutMs: 5000 });
    expect(run.passed).toBe(false);
    expect(run.summary).toMatch(/could not run/);
  });
});
