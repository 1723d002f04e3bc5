/** `ai-monitor config check`: print the resolved configuration with secrets masked, or every problem. */
import { stringify } from "yaml";
import { ConfigError, type LoadOptions, loadConfig } from "../config/load.js";
import { maskedConfig } from "../config/mask.js";
import { claudeConfigWarnings, diagnoserSummary } from "../diagnose/claude-summary.js";

/** Returns the process exit code: 0 valid, 2 invalid. */
export function runConfigCheck(
  options: LoadOptions,
  io: { out: (t: string) => void; err: (t: string) => void },
): number {
  try {
    const { config, file } = loadConfig(options);
    io.out(`# configuration is valid (${file ? `file ${file}` : "no file: defaults"} + environment)\n`);
    io.out(stringify(maskedConfig(config)));
    io.err(`${diagnoserSummary(config)}\n`);
    for (const warning of claudeConfigWarnings(config)) io.err(`warning: ${warning}\n`);
    if (!config.webhook.token) {
      io.err(
        "note: no webhook token: serve accepts webhooks only on a loopback address (or with --insecure)\n",
      );
    }
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${err.message}\n`);
    return 2;
  }
}
