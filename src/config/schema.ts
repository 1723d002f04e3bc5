/** The configuration schema: every key, its default, and its validation, in one place. */
import { z } from "zod";
import { autofixSection } from "./autofix-section.js";
import { budgetLimits, budgetSection, claudeSection, claudeSettings } from "./claude-section.js";
import { contextSection, lokiExtraSection } from "./context-section.js";
import { discordSettings, dispatchSection, githubSettings } from "./dispatch-section.js";
import { postgresSection } from "./postgres-section.js";
import { redactSection } from "./redact-section.js";
import { duration, nullableDuration } from "./zod-helpers.js";

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "expected HOST:PORT, e.g. 127.0.0.1:9095");

const level = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(["ERROR", "WARN", "INFO", "DEBUG", "TRACE"]));

/** The whole configuration after defaults; durations are milliseconds. */
export const configSchema = z
  .object({
    listen: listen.default("127.0.0.1:9095"),
    /** Where people reach ai-monitor's page (behind a proxy); alerts link to incidents there. */
    publicUrl: z
      .string()
      .url()
      .regex(/^https?:\/\//, "must start with http:// or https://")
      .transform((url) => url.replace(/\/+$/, ""))
      .nullable()
      .default(null),
    store: z
      .object({
        sqlitePath: z.string().min(1).default("./data/ai-monitor.db"),
        // FULL: an ingest (a webhook's 2xx, a stored file offset) survives a power loss; NORMAL only a crash.
        sqliteSynchronous: z.enum(["FULL", "NORMAL"]).default("FULL"),
        databaseUrl: z
          .string()
          .regex(/^postgres(ql)?:\/\//, "must start with postgres://")
          .nullable()
          .default(null),
        postgres: postgresSection,
      })
      .strict()
      .prefault({}),
    watch: z
      .object({
        paths: z.array(z.string().min(1)).default(["./logs/*.log"]),
        fromBeginning: z.boolean().default(false),
        pollInterval: duration("1s"),
        maxLineBytes: z
          .number()
          .int()
          .min(1024)
          .default(1024 * 1024),
        levels: z.array(level).min(1).default(["ERROR"]),
      })
      .strict()
      .prefault({}),
    dedup: z
      .object({
        window: duration("5m"),
        maxAge: duration("1h"),
        /** An open incident with no occurrence of its error for this long resolves by itself; null: never. */
        resolveAfter: nullableDuration("30m", 1000),
      })
      .strict()
      .prefault({}),
    diagnosis: z
      .object({
        ratePerHour: z.number().int().min(0).default(10),
        catalog: z.string().nullable().default(null),
        ...budgetSection.shape,
      })
      .strict()
      .prefault({}),
    anthropic: z
      .object({
        apiKey: z.string().nullable().default(null),
        baseUrl: z.string().url().nullable().default(null),
        model: z.string().min(1).default("claude-sonnet-5-5"),
        ...claudeSection.shape,
      })
      .strict()
      .prefault({}),
    sinks: z
      .object({
        console: z.boolean().default(true),
        jsonl: z.string().nullable().default(null),
        discord: z
          .object({ webhookUrl: z.string().url().nullable().default(null) })
          .strict()
          .prefault({}),
        github: z
          .object({
            token: z.string().nullable().default(null),
            repository: z
              .string()
              .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
              .nullable()
              .default(null),
            apiUrl: z.string().url().default("https://api.github.com"),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    webhook: z
      .object({
        token: z.string().min(16, "use at least 16 characters").nullable().default(null),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .default(5 * 1024 * 1024),
        labels: z
          .object({
            errorCode: z.string().default("error_code"),
            target: z.string().default("target"),
            // Without the target label: the first of these present (what Prometheus, Loki and Kubernetes set;
            // "a/b" joins two labels and needs both).
            targetFallbacks: z
              .array(z.string().regex(/^[^/]+(\/[^/]+)?$/, 'a label name, or two joined by "/"'))
              .default(["service", "job", "namespace/pod", "instance"]),
            severity: z.string().default("severity"),
            count: z.string().default("count"),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    worker: z
      .object({
        lease: duration("30s"),
        poll: duration("250ms"),
        maxAttempts: z.number().int().min(1).default(8),
      })
      .strict()
      .prefault({}),
    loki: z
      .object({ url: z.string().url().nullable().default(null), ...lokiExtraSection.shape })
      .strict()
      .prefault({}),
    context: contextSection,
    redact: redactSection,
    dispatch: dispatchSection,
    feedback: z
      .object({
        /** How often 👍/👎 reactions on the GitHub issues ai-monitor opened are read as verdicts; 0 turns it off. */
        githubReactionPoll: duration("5m"),
      })
      .strict()
      .prefault({}),
    repoPath: z.string().nullable().default(null),
    autofix: z.boolean().default(false),
    autofixOptions: autofixSection,
  })
  .strict()
  // The runtime shapes, derived once here so no caller parses a section again.
  .transform((config) => ({
    ...config,
    claude: claudeSettings(config.anthropic),
    budget: budgetLimits(config.diagnosis),
    discord: discordSettings(config.sinks.discord.webhookUrl, config.dispatch),
    github: githubSettings(config.sinks.github, config.dispatch, config.feedback.githubReactionPoll),
  }));

export type Config = z.infer<typeof configSchema>;
/** The configuration as written in YAML, before defaults. */
export type ConfigInput = z.input<typeof configSchema>;
