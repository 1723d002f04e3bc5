/** `ai-monitor demo`: realistic logs in a temp dir, the whole pipeline offline, then the incidents. */
import { appendFile, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { loadConfig } from "../config/load.js";
import { diagnoserSummary } from "../diagnose/claude-summary.js";
import type { Logger } from "../log.js";
import { createRuntime, type Runtime } from "../main.js";
import { tailerFor } from "../pipeline/file-source.js";
import { formatIncidentTable } from "../report/incident-table.js";
import { demoLogs } from "./demo-logs.js";

/** Wait until every job ran (retries after a 429 included), for at most a minute. */
async function settleQueue(runtime: Runtime): Promise<void> {
  const deadline = runtime.now() + 60_000;
  await runtime.worker.drain();
  while ((await runtime.store.queueStats(runtime.now())).depth > 0 && runtime.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Run the demo; returns the number of incidents stored. The configuration (file and environment) applies,
 * so a demo with ANTHROPIC_BASE_URL or DISCORD_WEBHOOK_URL set shows those integrations; only the store,
 * the watched files and the JSONL sink are the demo's own, in a temp dir, removed at the end unless `keep`.
 */
export async function runDemo(
  options: { configFile?: string | undefined; keep?: boolean },
  io: { log: Logger; out: Writable; colour: boolean },
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-demo-"));
  try {
    return await demoIn(dir, options.configFile, io, options.keep === true);
  } finally {
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

async function demoIn(
  dir: string,
  configFile: string | undefined,
  io: { log: Logger; out: Writable; colour: boolean },
  keep: boolean,
): Promise<number> {
  const logFile = join(dir, "logs", "server.log");
  const { config } = loadConfig({
    file: configFile,
    overrides: {
      "store.sqlitePath": join(dir, "ai-monitor.db"),
      "store.databaseUrl": null,
      "watch.paths": [join(dir, "logs", "*.log")],
      "watch.pollInterval": "200ms",
      "sinks.console": true,
      "sinks.jsonl": join(dir, "incidents.jsonl"),
      "worker.poll": "100ms",
    },
  });
  const say = (text: string) => io.out.write(`${text}\n`);
  say(`demo: writing sample logs under ${dir}/logs; ${diagnoserSummary(config)}\n`);
  const runtime = await createRuntime(config, io);
  const tailer = tailerFor(runtime, true);
  try {
    const { beforeRotation, afterRotation } = demoLogs(runtime.now() - 5_000);
    await mkdir(join(dir, "logs"), { recursive: true });
    await appendFile(logFile, "");
    await tailer.start();
    runtime.worker.start();
    for (const line of beforeRotation) await appendFile(logFile, `${line}\n`);
    await tailer.settled();
    // Rotation by rename, as logrotate does: the tailer finishes the old file, then reads the new one.
    await rename(logFile, `${logFile}.1`);
    for (const line of afterRotation) await appendFile(logFile, `${line}\n`);
    await tailer.settled();
    await settleQueue(runtime);
    // A resolution, as Alertmanager sends when the alert stops firing: sinks announce it (Discord edits).
    const [critical] = (await runtime.store.listIncidents({ limit: 50 })).filter(
      (i) => i.severity === "critical",
    );
    if (critical) {
      say(`demo: resolving ${critical.fingerprint}, as an Alertmanager resolution would`);
      await runtime.intake.resolve(critical.fingerprint, runtime.now());
      await settleQueue(runtime);
    }
    const incidents = await runtime.store.listIncidents({ limit: 50 });
    say(`\n${formatIncidentTable(incidents)}`);
    say(
      `demo: ${incidents.length} incidents from ${beforeRotation.length + afterRotation.length} lines ` +
        "(repeats grouped, junk lines skipped, secrets redacted). " +
        (keep ? `Kept: ${dir} (JSONL: ${config.sinks.jsonl})` : "Temp dir removed (--keep keeps it)."),
    );
    return incidents.length;
  } finally {
    await tailer.stop();
    await runtime.close();
  }
}
