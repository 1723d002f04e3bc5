/**
 * bench/prompt-size: for every evaluation scenario, the input tokens of the diagnosis request and its cost on
 * the default model (claude-sonnet-5-5) and the cheap one (claude-haiku-5-5), with the system prompt cached,
 * next to the baseline measured in the same run: the same requests without prompt caching.
 *   npx tsx bench/prompt-size.ts            (or: npm run bench:prompt-size)
 *
 * Token counts are estimates: the SDK's token counting calls the API, which a benchmark must not need. The
 * estimator (src/diagnose/prompt.ts estimateTokens) counts word pieces, digit groups and punctuation runs and adds
 * 30% for the 5.x-era tokenizer; the chars/4 rule is printed beside it for comparison. Output tokens are not
 * knowable offline: assumed 1,500 per call (about 500 for the JSON answer and 1,000 of adaptive thinking at
 * effort medium); `npm run eval` with a key reports the real figures.
 */
import { fileURLToPath } from "node:url";
import { loadCatalog } from "../src/diagnose/catalog.js";
import { minCacheableTokens } from "../src/diagnose/claude-models.js";
import { answerFormat } from "../src/diagnose/claude-schema.js";
import { loadScenarios, scenarioIncident } from "../src/diagnose/eval.js";
import { costUsd, priceOf } from "../src/diagnose/pricing.js";
import { buildUserPrompt, estimateTokens, SYSTEM_PROMPT } from "../src/diagnose/prompt.js";

const OUTPUT_TOKENS = 1500;
const DEFAULT_MODEL = "claude-sonnet-5-5";
const CHEAP_MODEL = "claude-haiku-5-5";

const dir = fileURLToPath(new URL("../test/fixtures/incidents", import.meta.url));
const scenarios = await loadScenarios(dir);
const catalog = await loadCatalog(null);
const systemTokens = estimateTokens(SYSTEM_PROMPT);
const schemaTokens = estimateTokens(JSON.stringify(answerFormat().schema));

/** Cost of one call: the system prompt read from the cache when `cached` and the model can cache it. */
function cost(model: string, userTokens: number, mode: "cached" | "cold" | "uncached"): number {
  const cacheable = systemTokens >= minCacheableTokens(model);
  const system = cacheable ? mode : "uncached";
  return costUsd(
    {
      inputTokens: userTokens + schemaTokens + (system === "uncached" ? systemTokens : 0),
      cacheReadTokens: system === "cached" ? systemTokens : 0,
      cacheWriteTokens: system === "cold" ? systemTokens : 0,
      outputTokens: OUTPUT_TOKENS,
    },
    priceOf(model).price,
  );
}

const rows = scenarios.map((scenario, i) => {
  const incident = scenarioIncident(scenario, String(i + 1));
  const entry = incident.errorCode ? catalog.get(incident.errorCode) : undefined;
  const started = process.hrtime.bigint();
  const prompt = buildUserPrompt({ incident, context: scenario.context, catalogEntry: entry });
  const buildUs = Number(process.hrtime.bigint() - started) / 1000;
  const user = estimateTokens(prompt.text);
  return {
    id: scenario.id,
    chars: prompt.text.length,
    user,
    charsOver4: Math.ceil(prompt.text.length / 4),
    input: systemTokens + schemaTokens + user,
    sonnet: cost(DEFAULT_MODEL, user, "cached"),
    sonnetCold: cost(DEFAULT_MODEL, user, "cold"),
    sonnetBaseline: cost(DEFAULT_MODEL, user, "uncached"),
    haiku: cost(CHEAP_MODEL, user, "cached"),
    haikuBaseline: cost(CHEAP_MODEL, user, "uncached"),
    buildUs,
  };
});

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const usd = (n: number) => `$${n.toFixed(5)}`;

console.log(
  `system prompt: ~${systemTokens} tokens (chars/4: ${Math.ceil(SYSTEM_PROMPT.length / 4)}); output schema: ~${schemaTokens}`,
);
console.log(
  `cacheable: ${DEFAULT_MODEL} (minimum ${minCacheableTokens(DEFAULT_MODEL)}) ${systemTokens >= minCacheableTokens(DEFAULT_MODEL) ? "yes" : "no"}; ` +
    `${CHEAP_MODEL} (minimum ${minCacheableTokens(CHEAP_MODEL)}, assumed) ${systemTokens >= minCacheableTokens(CHEAP_MODEL) ? "yes" : "no: billed as input"}`,
);
console.log(`output assumed: ${OUTPUT_TOKENS} tokens per call\n`);
console.log(
  `${"scenario".padEnd(38)} ${"user tok".padStart(8)} ${"chars/4".padStart(7)} ${"input".padStart(6)}  ` +
    `${"sonnet".padStart(9)} ${"(cold)".padStart(9)} ${"(no cache)".padStart(10)}  ${"haiku".padStart(9)} ${"(no cache)".padStart(10)}`,
);
for (const r of rows)
  console.log(
    `${r.id.padEnd(38)} ${String(r.user).padStart(8)} ${String(r.charsOver4).padStart(7)} ${String(r.input).padStart(6)}  ` +
      `${usd(r.sonnet).padStart(9)} ${usd(r.sonnetCold).padStart(9)} ${usd(r.sonnetBaseline).padStart(10)}  ` +
      `${usd(r.haiku).padStart(9)} ${usd(r.haikuBaseline).padStart(10)}`,
  );
const m = (key: keyof (typeof rows)[number]) => median(rows.map((r) => r[key] as number));
console.log(`\nmedian input tokens: ${m("input")} (max ${Math.max(...rows.map((r) => r.input))})`);
console.log(
  `median cost, ${DEFAULT_MODEL}: ${usd(m("sonnet"))} cached, ${usd(m("sonnetCold"))} cold cache, ` +
    `baseline without caching ${usd(m("sonnetBaseline"))} (target < $0.02)`,
);
console.log(
  `median cost, ${CHEAP_MODEL}: ${usd(m("haiku"))} as billed, baseline without caching ${usd(m("haikuBaseline"))} (target < $0.002)`,
);
console.log(`median prompt build time: ${m("buildUs").toFixed(0)} µs`);
