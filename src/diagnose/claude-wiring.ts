/**
 * The choice main.ts makes: Claude when an API key is configured (with its budget guard), the offline catalog
 * otherwise; and the warnings `config check` prints about the Claude settings.
 */
import type { Config } from "../config/schema.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/store.js";
import { type BudgetGuard, type BudgetStatus, createBudgetGuard } from "./budget.js";
import { createCallEstimator, reservationLeaseMs, settlingLedger } from "./budget-reservation.js";
import type { Catalog } from "./catalog.js";
import { type ClaudeCallEvent, createClaudeDiagnoser } from "./claude.js";
import { claudeConfigWarnings } from "./claude-summary.js";
import type { Diagnoser } from "./diagnoser.js";
import { createOfflineDiagnoser } from "./offline.js";
import { priceOf } from "./pricing.js";

/** The diagnoser for a configuration, and the budget guard to pass to the worker (null when offline). */
export function createDiagnoserFromConfig(
  config: Config,
  deps: {
    catalog: Catalog;
    store: Store;
    log: Logger;
    now: () => number;
    fetch?: typeof fetch;
    /** Metrics hooks: every API call's outcome, and every budget status computed. */
    observeCall?: (event: ClaudeCallEvent) => void;
    observeBudget?: (status: BudgetStatus) => void;
  },
): { diagnoser: Diagnoser; budget: BudgetGuard | null } {
  const apiKey = config.anthropic.apiKey;
  if (!apiKey) return { diagnoser: createOfflineDiagnoser({ catalog: deps.catalog }), budget: null };
  const settings = config.claude;
  for (const warning of claudeConfigWarnings(config)) deps.log.warn(warning);
  return {
    diagnoser: createClaudeDiagnoser({
      apiKey,
      baseUrl: config.anthropic.baseUrl,
      model: config.anthropic.model,
      ...settings,
      catalog: deps.catalog,
      // Each billed call replaces its incident's reservation in one transaction.
      store: settlingLedger(deps.store),
      log: deps.log,
      now: deps.now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.observeCall ? { observe: deps.observeCall } : {}),
    }),
    budget: createBudgetGuard({
      store: deps.store,
      limits: config.budget,
      now: deps.now,
      estimate: createCallEstimator({
        catalog: deps.catalog,
        price: priceOf(config.anthropic.model, settings.pricing).price,
        maxOutputTokens: settings.maxOutputTokens,
        limits: settings.limits,
      }),
      leaseMs: reservationLeaseMs(settings),
      ...(deps.observeBudget ? { observe: deps.observeBudget } : {}),
    }),
  };
}
