/**
 * The maintained half of secret detection: the rules of `@secretlint/secretlint-rule-preset-recommend` (MIT,
 * secretlint authors), run synchronously through secretlint's public rule interface. `@secretlint/core` runs the
 * same rules behind an async API; redaction happens while a line is parsed (a synchronous, hot path), and every
 * text rule of the preset reports synchronously, so the rules are called directly here. A test checks that this
 * finds exactly what `@secretlint/core`'s `lintSource` finds on the secret corpus.
 * @see https://github.com/secretlint/secretlint/blob/master/docs/secretlint-rule.md
 */
import { rules as presetRules } from "@secretlint/secretlint-rule-preset-recommend";
import type {
  SecretLintRuleContext,
  SecretLintRuleCreator,
  SecretLintRuleReportHandler,
  SecretLintSourceCode,
} from "@secretlint/types";

/** One secret found: `[start, end)` in the scanned text and the rule's short name. */
export interface SecretRange {
  start: number;
  end: number;
  rule: string;
  /** The range covers more than the secret (a whole URL): an own rule's finer range over it wins. */
  coarse?: boolean;
}

// Messages whose range is a whole URL or starts at the key name rather than the secret.
const COARSE = new Set([
  "BasicAuth",
  "MongoDBConnection",
  "MySQLConnection",
  "PostgreSQLConnection",
  "AWSSecretAccessKey",
]);

// Short, stable names for the messages whose kebab-case form would be unclear.
const RULE_NAMES: Readonly<Record<string, string>> = {
  IncomingWebhook: "slack-webhook",
  BasicAuth: "url-credentials",
  PackageJSON_xOauthToken: "npm-token",
  Npmrc_authToken: "npm-token",
  NPM_ACCESS_TOKEN: "npm-token",
  PrivateKeyJSON: "private-key",
  AWSSecretAccessKey: "aws-secret-key",
};

/** Pure: `AWSSecretAccessKey` -> `aws-secret-access-key`, `SLACK_TOKEN` -> `slack-token`. */
export function ruleName(messageId: string): string {
  return (
    RULE_NAMES[messageId] ??
    messageId
      .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
      .replace(/_/g, "-")
      .toLowerCase()
  );
}

interface Loaded {
  id: string;
  handler: SecretLintRuleReportHandler;
}

/** Rules of the preset whose handler returned a promise: they cannot run here (a test keeps this empty). */
export const asyncRules = new Set<string>();

let found: SecretRange[] = [];
let current = "";

function load(): Loaded[] {
  const context: SecretLintRuleContext = {
    sharedOptions: {},
    // Messages are never shown: the message id names the rule in the marker.
    createTranslator: () => ((messageId: string) => ({ message: messageId, messageId, data: {} })) as never,
    report(descriptor) {
      const message = descriptor.message as { messageId?: string };
      const [start, end] = descriptor.range;
      const id = message.messageId ?? current;
      found.push({ start, end, rule: ruleName(id), ...(COARSE.has(id) ? { coarse: true } : {}) });
    },
    ignore() {},
  };
  const loaded: Loaded[] = [];
  for (const rule of presetRules as SecretLintRuleCreator[]) {
    const types = rule.meta.supportedContentTypes;
    if (rule.meta.type !== "scanner" || !types.some((t) => t === "text" || t === "all")) continue;
    loaded.push({ id: rule.meta.id, handler: rule.create(context, {}) });
  }
  return loaded;
}

let loaded: Loaded[] | null = null;

// Every rule of the preset needs ":/" (URLs), "BEGIN" (key blocks) or a run of 16 token characters: text
// without one is skipped, which is most log text (a test checks the gate misses nothing the rules find).
const GATE = /:\/\/|BEGIN|[\w+/=.-]{16}/;

/** Pure (the rules keep no state between calls): the secrets the preset's text rules find in `text`. */
export function scanWithSecretlint(text: string): SecretRange[] {
  if (!GATE.test(text)) return [];
  return scanUngated(text);
}

/** The same scan without the cheap gate (tests compare both). */
export function scanUngated(text: string): SecretRange[] {
  loaded ??= load();
  const source: SecretLintSourceCode = {
    hasBOM: false,
    content: text,
    filePath: undefined,
    physicalFilePath: undefined,
    contentType: "text",
    ext: "",
    getFilePath: () => undefined,
    getPhysicalFilePath: () => undefined,
    // Position helpers are unused by the preset's text rules.
    locationToRange: () => [0, 0],
    rangeToLocation: () => ({ start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }),
    positionToIndex: () => 0,
    indexToPosition: () => ({ line: 1, column: 0 }),
  };
  found = [];
  for (const rule of loaded) {
    current = rule.id;
    const result = rule.handler.file?.(source);
    if (result && typeof (result as Promise<void>).then === "function") asyncRules.add(rule.id);
  }
  const out = found;
  found = [];
  return out.filter((r) => r.end > r.start);
}
