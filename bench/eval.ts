/**
 * `npm run eval`: the diagnosis evaluation from the command line, without a build (run with tsx).
 *   npm run eval -- [--config F] [--only id,id] [--json] [--min-accuracy 0.7] [--dir D]
 * Uses ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL / AI_MONITOR_MODEL like the service; with no key it runs offline.
 */
import { parseArgs } from "node:util";
import { runEval } from "../src/commands/eval.js";
import { ConfigError, loadConfig } from "../src/config/load.js";
import { createLogger } from "../src/log.js";

const { values } = parseArgs({
  options: {
    config: { type: "string", short: "c" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
    "min-accuracy": { type: "string" },
    dir: { type: "string" },
  },
});

try {
  const { config } = loadConfig({ file: values.config });
  const { exitCode } = await runEval(
    config,
    {
      dir: values.dir,
      only: values.only?.split(",").map((s) => s.trim()),
      json: values.json,
      minAccuracy: values["min-accuracy"] === undefined ? undefined : Number(values["min-accuracy"]),
    },
    { log: createLogger({ level: process.env.LOG_LEVEL ?? "warn" }), write: (t) => process.stdout.write(t) },
  );
  process.exitCode = exitCode;
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exitCode = 2;
}
