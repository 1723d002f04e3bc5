/** Load the configuration: optional YAML file, then environment variables, then CLI overrides; zod validates. */
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { applyEnv, setPath } from "./env.js";
import { type Config, configSchema } from "./schema.js";

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Thrown when the configuration is invalid; lists every problem. */
export class ConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    readonly file: string | null,
  ) {
    super(
      `invalid configuration${file ? ` (${file})` : ""}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export interface LoadOptions {
  /** --config; else AI_MONITOR_CONFIG; else ./ai-monitor.yaml when it exists. */
  file?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  /** Dotted path -> value, from CLI flags (they win over everything). */
  overrides?: Record<string, unknown>;
}

/** The resolved configuration and the file it came from. */
export interface LoadedConfig {
  config: Config;
  file: string | null;
}

/** Load and validate; throws ConfigError listing every problem. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const explicit = options.file ?? env.AI_MONITOR_CONFIG;
  const file = explicit ?? (existsSync("ai-monitor.yaml") ? "ai-monitor.yaml" : null);
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new ConfigError(
        [{ path: "(file)", message: `cannot read ${file}: ${(err as Error).message}` }],
        file,
      );
    }
    let parsed: unknown;
    try {
      parsed = parse(text);
    } catch (err) {
      throw new ConfigError([{ path: "(yaml)", message: (err as Error).message.split("\n")[0]! }], file);
    }
    if (parsed !== null && parsed !== undefined && (typeof parsed !== "object" || Array.isArray(parsed))) {
      throw new ConfigError([{ path: "(root)", message: "expected a mapping of keys" }], file);
    }
    raw = (parsed as Record<string, unknown>) ?? {};
  }
  const { raw: withEnv, fromEnv } = applyEnv(raw, env);
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(withEnv, path, value);
  }
  const result = configSchema.safeParse(withEnv);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.join(".") || "(root)";
      const variable = fromEnv.get(path);
      return { path: variable ? `${path} (from ${variable})` : path, message: issue.message };
    });
    throw new ConfigError(problems, file);
  }
  return { config: result.data, file };
}
