#!/usr/bin/env node
/**
 * Entry point: parses argv and calls the commands; nothing else lives here. Each command's module is
 * imported only when that command runs: a cron `scan` must not pay for hono, the Anthropic SDK or eval.
 */
import { Command, Option } from "commander";
import { filterFlag, positiveInt, ratio } from "./cli-args.js";
import type { startServe } from "./commands/serve.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { describeFatal, EXIT } from "./fatal.js";
import { toIncidentFilter } from "./http/incident-filter-input.js";
import { chooseLogFormat, createLogger, logFormatFlag } from "./log.js";
import { packageVersion } from "./version.js";

const tty = { out: process.stdout.isTTY === true, err: process.stderr.isTTY === true };
const log = createLogger({
  format: chooseLogFormat(logFormatFlag(process.argv), tty.out, tty.err),
  colour: tty.err && !process.env.NO_COLOR,
});
const io = { log, out: process.stdout, colour: tty.out && !process.env.NO_COLOR };

/** Load config or exit 2 with every problem listed. */
function configOrExit(file: string | undefined, overrides: Record<string, unknown> = {}) {
  try {
    return loadConfig({ file, overrides }).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT.usage);
    }
    throw err;
  }
}

// `ai-monitor incidents | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command("ai-monitor")
  .description("Turns a Rust server's tracing ERROR logs into diagnosed, deduplicated incidents.")
  .version(packageVersion(), "-V, --version", "print the version")
  .addOption(
    new Option(
      "--log-format <format>",
      "ai-monitor's own logs: pretty on a terminal, JSON otherwise",
    ).choices(["pretty", "json"]),
  )
  .showHelpAfterError()
  // Usage errors exit 2 (1 is a runtime failure); help and --version exit 0. Subcommands inherit this.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

program
  .command("serve")
  .description("HTTP webhooks + file tail + worker (the embedded default)")
  .option("-c, --config <file>", "YAML configuration file")
  .option("--listen <host:port>", "HTTP listen address (default 127.0.0.1:9095)")
  .option("--watch <glob...>", "log files or globs to tail (default ./logs/*.log)")
  .option("--from-beginning", "read files that exist at the first start from their beginning", false)
  .option("--insecure", "allow a non-loopback listen address without a webhook token", false)
  .action(async (opts) => {
    const config = configOrExit(opts.config, { listen: opts.listen, "watch.paths": opts.watch });
    // Handlers go in before start-up: a SIGTERM during start-up (a deploy, a supervisor) still shuts down cleanly.
    let server: Awaited<ReturnType<typeof startServe>> | null = null;
    let requested: string | null = null;
    const shutdown = (signal: string) => {
      log.info({ signal }, "signal received");
      if (!server) {
        requested = signal;
        return;
      }
      server.stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
    const { startServe } = await import("./commands/serve.js");
    server = await startServe(
      config,
      { fromBeginning: opts.fromBeginning || config.watch.fromBeginning, insecure: opts.insecure },
      io,
    );
    if (requested) shutdown(requested);
  });

program
  .command("scan")
  .description("one pass over lines written since the stored offsets, then exit (cron mode)")
  .argument("[globs...]", "log files or globs (default: the configured watch paths)")
  .option("-c, --config <file>", "YAML configuration file")
  .action(async (globs: string[], opts) => {
    const config = configOrExit(opts.config);
    const { formatScanSummary, runScan } = await import("./commands/scan.js");
    const summary = await runScan(config, globs, io);
    process.stderr.write(`${formatScanSummary(summary)}\n`);
    // Every pattern matched nothing: a cron job pointed at the wrong place must not look like a quiet night.
    if (summary.files === 0 && summary.unmatched.length > 0) process.exitCode = EXIT.failure;
  });

program
  .command("demo")
  .description(
    "write realistic sample logs to a temp dir and run the whole pipeline (offline unless configured)",
  )
  .option("-c, --config <file>", "YAML configuration file (its sinks and diagnoser apply)")
  .option(
    "--keep",
    "keep the temp dir (sample logs, database, incidents.jsonl) instead of removing it",
    false,
  )
  .action(async (opts) => {
    const { runDemo } = await import("./commands/demo.js");
    await runDemo({ configFile: opts.config, keep: opts.keep }, io);
  });

program
  .command("incidents")
  .description("list incidents, newest first")
  .option("-c, --config <file>", "YAML configuration file")
  .option("--json", "print JSON (the /api/incidents shape)", false)
  .addOption(new Option("--limit <n>", "how many (1-500)").default(20).argParser(positiveInt))
  .addOption(new Option("--status <status>", "open or resolved").argParser(filterFlag("status")))
  .addOption(
    new Option("--severity <list>", "critical, high, medium, low; several comma-separated").argParser(
      filterFlag("severity"),
    ),
  )
  .addOption(
    new Option("--code <error-code>", "exact error code, e.g. DB_TIMEOUT").argParser(filterFlag("code")),
  )
  .addOption(
    new Option("--since <time>", "seen at or after: an age (30m, 24h, 7d) or an ISO date").argParser(
      filterFlag("since"),
    ),
  )
  .addOption(
    new Option("--until <time>", "first seen before: an age or an ISO date").argParser(filterFlag("until")),
  )
  .action(async (opts) => {
    const config = configOrExit(opts.config);
    const { runIncidents } = await import("./commands/incidents.js");
    const { status, severity, code, since, until } = opts;
    await runIncidents(
      config,
      {
        json: opts.json,
        limit: opts.limit,
        filter: toIncidentFilter({ status, severity, code, since, until }, Date.now()),
      },
      { log, write: (t) => process.stdout.write(t) },
    );
  });

program
  .command("context")
  .description("print, as JSON, the context bundle that would be sent to the LLM for one log line")
  .requiredOption("--line <json>", "one tracing JSON log line")
  .option("-c, --config <file>", "YAML configuration file")
  .action(async (opts) => {
    const config = configOrExit(opts.config);
    const { runContext } = await import("./commands/context.js");
    process.exitCode = await runContext(
      config,
      { line: opts.line },
      { log, out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) },
    );
  });

program
  .command("cost")
  .description("LLM spend today and this month, per model, and the budgets left")
  .option("-c, --config <file>", "YAML configuration file")
  .option("--json", "print JSON", false)
  .action(async (opts) => {
    const config = configOrExit(opts.config);
    const { runCost } = await import("./commands/cost.js");
    await runCost(config, { json: opts.json }, { log, write: (t) => process.stdout.write(t) });
  });

program
  .command("report")
  .description(
    "the success indicators (detection time, diagnosis accuracy, auto-fix success, cost) against their targets",
  )
  .option("-c, --config <file>", "YAML configuration file")
  .addOption(new Option("--days <n>", "period in days (1-500)").default(30).argParser(positiveInt))
  .option("--json", "print JSON", false)
  .action(async (opts) => {
    const config = configOrExit(opts.config);
    const { runReport } = await import("./commands/report.js");
    await runReport(
      config,
      { days: opts.days, json: opts.json },
      { log, write: (t) => process.stdout.write(t) },
    );
  });

program
  .command("feedback")
  .description("record a human verdict on an incident's diagnosis (diagnosis accuracy in `report`)")
  .argument("<incident-id>", "incident id (see `ai-monitor incidents`)")
  .argument("<verdict>", "correct, partial or wrong")
  .option("--note <text>", "why (up to 2,000 characters)")
  .option("--by <name>", "who reviewed it (default anonymous); a later verdict by the same name replaces it")
  .option("-c, --config <file>", "YAML configuration file")
  .action(async (incidentId: string, verdict: string, opts) => {
    const config = configOrExit(opts.config);
    const { runFeedback } = await import("./commands/feedback.js");
    process.exitCode = await runFeedback(
      config,
      { incidentId, verdict, note: opts.note, by: opts.by },
      { log, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
    );
  });

for (const action of ["resolve", "ack"] as const) {
  const command = program
    .command(action)
    .description(
      action === "resolve"
        ? "resolve an incident by hand; its resolution is announced as an Alertmanager one is"
        : "acknowledge an incident: its recurrences notify no one until it resolves",
    )
    .argument("<incident-id>", "incident id (see `ai-monitor incidents`)")
    .option("--by <name>", "who did it");
  if (action === "resolve") command.option("--note <text>", "why (up to 2,000 characters)");
  command
    .option("-c, --config <file>", "YAML configuration file")
    .action(async (incidentId: string, opts) => {
      const config = configOrExit(opts.config);
      const { runIncidentAction } = await import("./commands/incident-action.js");
      process.exitCode = await runIncidentAction(
        config,
        { action, incidentId, note: opts.note, by: opts.by },
        { log, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
      );
    });
}

program
  .command("eval")
  .description("run the configured diagnoser over the evaluation scenarios and score it")
  .option("-c, --config <file>", "YAML configuration file")
  .option("--only <names>", "comma-separated scenario names")
  .option("--json", "print JSON", false)
  .addOption(new Option("--min-accuracy <ratio>", "exit 1 below this accuracy (0-1)").argParser(ratio))
  .action(async (opts) => {
    const config = configOrExit(opts.config);
    const { runEval } = await import("./commands/eval.js");
    const { exitCode } = await runEval(
      config,
      {
        json: opts.json,
        ...(opts.only ? { only: String(opts.only).split(",") } : {}),
        ...(opts.minAccuracy !== undefined ? { minAccuracy: opts.minAccuracy } : {}),
      },
      { log, write: (t) => process.stdout.write(t) },
    );
    process.exitCode = exitCode;
  });

program
  .command("config")
  .description("configuration tools")
  .command("check")
  .description("print the resolved configuration (secrets masked) or every problem; exit 2 when invalid")
  .option("-c, --config <file>", "YAML configuration file")
  .action(async (opts) => {
    const { runConfigCheck } = await import("./commands/config-check.js");
    process.exitCode = runConfigCheck(
      { file: opts.config },
      { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
    );
  });

// Printed once, for a person: what failed, naming the file, port or key, and what to do (stack with LOG_LEVEL=debug).
program.parseAsync(process.argv).catch((err: unknown) => {
  const { text, exitCode } = describeFatal(err, log.isLevelEnabled("debug"));
  process.stderr.write(text);
  process.exit(exitCode);
});
