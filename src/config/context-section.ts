/**
 * Configuration of the context stage: the `context:` section, and the keys it adds under `loki:` (tenant,
 * credentials, timeout, stream selector), next to `loki.url`.
 */
import { z } from "zod";
import { regexSource } from "./redact-section.js";
import { duration } from "./zod-helpers.js";

/** Keys added under `loki:` (next to the existing `loki.url`). */
export const lokiExtraSection = z.object({
  /** Multi-tenant Loki: sent as `X-Scope-OrgID`. */
  tenant: z.string().min(1).nullable().default(null),
  /** Basic auth (Grafana Cloud: the numeric user id and an access-policy token as the password). */
  username: z.string().min(1).nullable().default(null),
  password: z.string().min(1).nullable().default(null),
  /** Bearer token (a proxy in front of Loki); wins over basic auth when both are set. */
  bearerToken: z.string().min(1).nullable().default(null),
  /** Per request; the whole context stage is also bounded by `context.timeout`. */
  timeout: duration("5s"),
  /** Stream selector every query starts from (the labels your shipper puts on the server's logs). */
  selector: z
    .string()
    .regex(/^\{.*\S.*\}$/s, 'expected a stream selector such as {job="server"}')
    .default('{job="server"}'),
});

export const contextSection = z
  .object({
    /** The incident never waits longer than this for context. */
    timeout: duration("10s"),
    /** Token budget of the bundle, estimated as ceil(chars / 4). */
    budgetTokens: z.number().int().min(500).max(200_000).default(6000),
    /** The request trail covers this much time either side of the error (capped at 1h). */
    requestWindow: duration("5m"),
    /** How far back to look for other occurrences of the fingerprint (capped at 24h). */
    occurrencesLookback: duration("1h"),
    /** Most lines of the request trail. */
    requestLines: z.number().int().min(1).max(1000).default(200),
    /** Most other occurrences listed. */
    occurrences: z.number().int().min(1).max(200).default(20),
    /** Crate name -> source directory relative to the repository (overrides Cargo.toml discovery). */
    sourceMap: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Lines of source shown around the emitting statement. */
    sourceWindowLines: z.number().int().min(5).max(400).default(40),
    /** Commits listed for the mapped files and for the repository. */
    gitCommits: z.number().int().min(1).max(50).default(5),
    /** Most bytes read backwards from each tailed file when there is no Loki. */
    fileScanBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024),
    redact: z
      .object({
        /** Extra regular expressions (JavaScript syntax); every match becomes [REDACTED]. */
        patterns: z.array(regexSource).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** Environment variables of the `loki.*` keys above. */
export const CONTEXT_ENV_KEYS: Readonly<Record<string, string>> = {
  LOKI_TENANT: "loki.tenant",
  LOKI_USERNAME: "loki.username",
  LOKI_PASSWORD: "loki.password",
  LOKI_BEARER_TOKEN: "loki.bearerToken",
};

/** The `context:` section after defaults (durations in ms). */
export type ContextSection = z.output<typeof contextSection>;
/** The `loki:` keys of this stage after defaults, with the existing url. */
export type LokiSettings = z.output<typeof lokiExtraSection> & { url: string | null };
