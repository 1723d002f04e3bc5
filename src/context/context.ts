/**
 * Context for diagnosis: what the diagnoser may look at besides the incident itself. Providers (Loki, the
 * tailed file, source mapping, git history) each add items; a failing provider marks the bundle partial.
 * Everything gathered is redacted again (providers read raw logs and files) and fitted to a token budget.
 */
import type { RedactionCounts } from "../domain/redact.js";
import type { ContextBundle, ContextItem, Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import { DEFAULT_BUDGET_TOKENS, type DraftItem, fitBudget } from "./budget.js";
import { createRedactor, type Redactor } from "./redaction-stats.js";

export type { ContextBundle, ContextItem };

/** What a provider found, with the reasons for what it could not find. */
export interface ProviderOutput {
  items: DraftItem[];
  partial?: string[];
}

export interface ContextProvider {
  readonly name: string;
  gather(incident: Incident, signal: AbortSignal): Promise<DraftItem[] | ProviderOutput>;
}

/** A bundle with what redaction and the budget did (both also worth showing to a user). */
export interface GatheredBundle extends ContextBundle {
  /** Redactions made while gathering, by kind (parse-time redactions are not counted again). */
  redactions: RedactionCounts;
  tokens: { estimated: number; budget: number };
}

/** The stage interface the worker calls. */
export interface ContextGatherer {
  gather(incident: Incident): Promise<ContextBundle>;
}

/** The gatherer this module builds: its bundles carry redaction counts and token figures. */
export interface BudgetedGatherer extends ContextGatherer {
  gather(incident: Incident): Promise<GatheredBundle>;
}

function redactItem(item: DraftItem, redactor: Redactor): DraftItem {
  const text =
    item.kind === "logs"
      ? item.text
          .split("\n")
          .map((line) => redactor.logLine(line))
          .join("\n")
      : redactor.text(item.text);
  return { ...item, title: redactor.text(item.title), text };
}

// One line, bounded: a subprocess error carries its whole command line and stderr.
const message = (reason: unknown) =>
  (reason instanceof Error ? reason.message : String(reason)).replace(/\s*\n\s*/g, " ").slice(0, 300);

/**
 * Run every provider in parallel under one timeout; failures become `partial` reasons, never errors. A
 * provider that ignores the abort signal is left behind: the incident never waits past `timeoutMs`.
 */
export function createContextGatherer(deps: {
  providers: ContextProvider[];
  timeoutMs: number;
  log: Logger;
  budgetTokens?: number;
  /** Extra redaction regexes (config `redact.patterns` and `context.redact.patterns`). */
  redactPatterns?: readonly string[];
  /** Extra sensitive field names (config `redact.fields`). */
  redactFields?: readonly string[];
}): BudgetedGatherer {
  const budget = deps.budgetTokens ?? DEFAULT_BUDGET_TOKENS;
  return {
    async gather(incident) {
      const bundle: GatheredBundle = {
        items: [],
        partial: [],
        redactions: {},
        tokens: { estimated: 0, budget },
      };
      if (deps.providers.length === 0) return bundle;
      const redactor = createRedactor({
        patterns: deps.redactPatterns ?? [],
        fields: deps.redactFields ?? [],
      });
      const controller = new AbortController();
      const timedOut = new Promise<never>((_, reject) => {
        controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
      });
      const timer = setTimeout(
        () => controller.abort(new Error(`no answer within ${deps.timeoutMs}ms (context timeout)`)),
        deps.timeoutMs,
      );
      const drafts: DraftItem[] = [];
      try {
        const results = await Promise.allSettled(
          deps.providers.map((provider) =>
            Promise.race([
              Promise.resolve().then(() => provider.gather(incident, controller.signal)),
              timedOut,
            ]),
          ),
        );
        results.forEach((result, i) => {
          const name = deps.providers[i]!.name;
          if (result.status === "fulfilled") {
            const output = Array.isArray(result.value) ? { items: result.value } : result.value;
            drafts.push(...output.items);
            bundle.partial.push(...(output.partial ?? []));
          } else {
            const reason = redactor.text(message(result.reason));
            bundle.partial.push(`${name}: ${reason}`);
            deps.log.warn({ provider: name, incident: incident.id, err: reason }, "context provider failed");
          }
        });
      } finally {
        clearTimeout(timer);
        // Providers still running (a hung socket, a slow walk) see the abort and stop.
        if (!controller.signal.aborted) controller.abort(new Error("context gathered"));
      }
      const fitted = fitBudget(
        drafts.map((item) => redactItem(item, redactor)),
        budget,
      );
      bundle.items = fitted.items;
      bundle.partial.push(...fitted.cuts);
      bundle.partial = bundle.partial.map((reason) => redactor.text(reason));
      bundle.redactions = redactor.counts();
      bundle.tokens.estimated = fitted.usedTokens;
      return bundle;
    },
  };
}
