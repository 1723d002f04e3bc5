/**
 * The diagnose step of a job: check the LLM budget and the hourly limit (the seed's check_rate_limit()), gather
 * context, ask the diagnoser, and fall back to the catalog's basic diagnosis when a limit is reached or the
 * diagnoser fails. The token is keyed by incident id, so a job re-run after a crash does not take a second one.
 * The budget is checked first so an over-budget incident does not use up the hourly allowance. The diagnoser
 * records its own LLM calls in the ledger (a repair attempt is a second billed call).
 */
import type { ContextGatherer } from "../context/context.js";
import type { BudgetGuard } from "../diagnose/budget.js";
import type { Catalog } from "../diagnose/catalog.js";
import type { Diagnoser } from "../diagnose/diagnoser.js";
import { catalogDiagnosis } from "../diagnose/offline.js";
import type { Diagnosis, Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { Store } from "../store/store.js";

const HOUR_MS = 3_600_000;

/** Dependencies of the diagnose step. */
export interface DiagnoseStepDeps {
  store: Store;
  diagnoser: Diagnoser;
  context: ContextGatherer;
  catalog: Catalog;
  ratePerHour: number;
  /** Daily and monthly LLM spend ceilings; absent for the offline diagnoser, which costs nothing. */
  budget?: BudgetGuard | null;
  metrics: Metrics;
  log: Logger;
  now: () => number;
}

/** Diagnose the incident once and store the result; returns the diagnosis. */
export async function runDiagnoseStep(deps: DiagnoseStepDeps, incident: Incident): Promise<Diagnosis> {
  if (incident.diagnosis) return incident.diagnosis;
  const budget = deps.budget ? await deps.budget.check() : ({ ok: true } as const);
  const allowed =
    budget.ok &&
    (await deps.store.takeToken("diagnosis", incident.id, deps.ratePerHour, HOUR_MS, deps.now()));
  let diagnosis: Diagnosis;
  if (!budget.ok) {
    deps.metrics.diagnosisSkips.inc({ reason: "over_budget" });
    deps.log.warn(budget.reason);
    diagnosis = catalogDiagnosis(incident, deps.catalog, budget.reason);
  } else if (!allowed) {
    deps.metrics.diagnosisSkips.inc({ reason: "rate_limited" });
    const reason = `diagnosis skipped: the limit of ${deps.ratePerHour} diagnoses per hour is reached; basic alert only`;
    deps.log.info(reason); // the logger is the incident's child: it names the incident
    diagnosis = catalogDiagnosis(incident, deps.catalog, reason);
  } else {
    try {
      const context = await deps.context.gather(incident);
      await deps.store.saveContext(incident.id, context);
      diagnosis = await deps.diagnoser.diagnose({ incident, context });
    } catch (err) {
      const reason = `diagnosis failed (${deps.diagnoser.name}): ${(err as Error).message}; basic alert only`;
      deps.log.error({ err }, "diagnoser failed");
      diagnosis = catalogDiagnosis(incident, deps.catalog, reason.slice(0, 500));
    }
  }
  await deps.store.saveDiagnosis(incident.id, diagnosis);
  deps.metrics.incidents.inc({ severity: diagnosis.severity });
  return diagnosis;
}
