/** `ai-monitor serve`: HTTP webhooks + file tail + worker, until SIGTERM/SIGINT. */

import { resolve } from "node:path";
import type { Writable } from "node:stream";
import { type ServerType, serve } from "@hono/node-server";
import type { Config } from "../config/schema.js";
import { diagnoserSummary } from "../diagnose/claude-summary.js";
import { listenError, usageError } from "../fatal.js";
import { createApp, insecureListenWarning, listenGuard } from "../http/app.js";
import { parseListen } from "../http/listen-address.js";
import type { Logger } from "../log.js";
import { createRuntime, type Runtime } from "../main.js";
import { tailerFor } from "../pipeline/file-source.js";
import { startWatchCheck } from "../pipeline/watch-patterns.js";

/** Flags of `serve` that are not configuration. */
export interface ServeOptions {
  fromBeginning: boolean;
  insecure: boolean;
}

/** A running server; `stop` is the graceful shutdown. */
export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

function listenOn(server: ServerType): Promise<void> {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve();
    server.once("listening", resolve);
    server.once("error", reject);
  });
}

/** The start-up lines a person reads on the first screen: store, diagnoser, sinks (one line each). */
async function logStartup(runtime: Runtime): Promise<void> {
  const { config, log } = runtime;
  let store = `SQLite ${resolve(config.store.sqlitePath)}`;
  if (config.store.databaseUrl) {
    const { describeTarget } = await import("../store/postgres/connection.js");
    store = `PostgreSQL ${describeTarget(config.store.databaseUrl)}`;
  }
  log.info({ store: runtime.store.kind }, `store: ${store}`);
  log.info(diagnoserSummary(config));
  const sinks = runtime.sinks.map((s) => (s.name === "jsonl" ? `jsonl (${config.sinks.jsonl})` : s.name));
  log.info({ sinks: runtime.sinks.map((s) => s.name) }, `sinks: ${sinks.join(", ") || "none"}`);
}

/** Start everything; resolves once the port is bound and the tailer has started. */
export async function startServe(
  config: Config,
  options: ServeOptions,
  io: { log: Logger; out: Writable; colour: boolean },
): Promise<RunningServer> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseListen(config.listen));
    listenGuard(config.listen, config.webhook.token, options.insecure);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const runtime = await createRuntime(config, io);
  const { log } = runtime;
  const app = createApp({ ...runtime, log });
  const server = serve({ fetch: app.fetch, hostname: host, port });
  try {
    await listenOn(server);
  } catch (err) {
    await runtime.close();
    throw listenError(config.listen, err as NodeJS.ErrnoException);
  }
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;

  await logStartup(runtime);
  const warning = insecureListenWarning(config.listen, config.webhook.token, options.insecure);
  if (warning) log.warn({ listen: config.listen }, warning);
  const stopWatchCheck = await startWatchCheck({ patterns: config.watch.paths, log });
  const tailer = tailerFor(runtime, options.fromBeginning);
  await tailer.start();
  runtime.worker.start();
  runtime.startBackground();
  log.info({ url }, `ai-monitor serving on ${url}`);

  let stopping: Promise<void> | null = null;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        log.info("shutting down: no new requests, finishing in-flight work, releasing job leases");
        // Stop accepting first; close() waits for in-flight requests so no accepted alert is cut off.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        if ("closeIdleConnections" in server) server.closeIdleConnections();
        stopWatchCheck();
        await tailer.stop();
        await closed;
        await runtime.close();
        log.info("stopped");
      })();
      return stopping;
    },
  };
}
