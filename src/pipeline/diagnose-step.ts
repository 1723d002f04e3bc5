/**
 * The diagnose step of a job: check the LLM budget and the hourly limit (the original design's check_rate_limit()), gather
 * context, ask the diagnoser, and fall back to the catalog's basic diagnosis when a limit is reached or the
 * diagnoser fails. The token is keyed by incident id, so a job re-run after a crash does not take a second one.
 * The ledger is read first so an incident over a spent budget does not use up the hourly allowance; once the
 * context is in, the call's worst-case cost is reserved atomically (the ceiling holds across replicas), the
 * diagnoser's billed calls replace the reservation, and whatever is left of it is released at the end.
 */
import type { ContextGatherer } from "../context/context.js";
import type { BudgetGuard } from "../diagnose/budget.js";
import type { Catalog } from "../diagnose/catalog.js";
import type { Diagnoser } from "../diagnose/diagnoser.js";
import { catalogDiagnosis } from "../diagnose/offline.js";
import { withLabelledSeverity } from "../domain/severity.js";
import type { Diagnosis, Incident } from "../domain/types.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { IncidentStore, TokenStore } from "../store/store.js";

const HOUR_MS = 3_600_000;

/** Dependencies of the diagnose step. */
export interface DiagnoseStepDeps {
  store: IncidentStore & TokenStore;
  diagnoser: Diagnoser;
  context: ContextGatherer;
  catalog: Catalog;
  ratePerHour: number;
  /** The alert label whose severity wins over the diagnosis' (config `webhook.labels.severity`). */
  severityLabel?: string;
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
  // A catalog diagnosis costs nothing: it takes no token of the hourly LLM allowance and is never "skipped".
  const allowed =
    budget.ok &&
    (deps.diagnoser.free === true ||
      (await deps.store.takeToken("diagnosis", incident.id, deps.ratePerHour, HOUR_MS, deps.now())));
  let diagnosis: Diagnosis;
  if (!budget.ok) {
    diagnosis = overBudget(deps, incident, budget.reason);
  } else if (!allowed) {
    deps.metrics.diagnosisSkips.inc({ reason: "rate_limited" });
    const reason = `diagnosis skipped: the limit of ${deps.ratePerHour} diagnoses per hour is reached; basic alert only`;
    deps.log.info(reason); // the logger is the incident's child: it names the incident
    diagnosis = catalogDiagnosis(incident, deps.catalog, reason);
  } else {
    try {
      diagnosis = await diagnoseWithinBudget(deps, incident);
    } catch (err) {
      const reason = `diagnosis failed (${deps.diagnoser.name}): ${(err as Error).message}; basic alert only`;
      deps.log.error({ err }, "diagnoser failed");
      diagnosis = catalogDiagnosis(incident, deps.catalog, reason.slice(0, 500));
    }
  }
  diagnosis = withLabelledSeverity(diagnosis, incident, deps.severityLabel ?? "severity");
  await deps.store.saveDiagnosis(incident.id, diagnosis);
  deps.metrics.incidents.inc({ severity: diagnosis.severity });
  return diagnosis;
}

function overBudget(deps: DiagnoseStepDeps, incident: Incident, reason: string): Diagnosis {
  deps.metrics.diagnosisSkips.inc({ reason: "over_budget" });
  deps.log.warn(reason);
  return catalogDiagnosis(incident, deps.catalog, reason);
}

/** Gather context, reserve the call's cost, diagnose; a reservation left over is released even on failure. */
async function diagnoseWithinBudget(deps: DiagnoseStepDeps, incident: Incident): Promise<Diagnosis> {
  const context = await deps.context.gather(incident);
  await deps.store.saveContext(incident.id, context);
  const input = { incident, context };
  if (!deps.budget) return deps.diagnoser.diagnose(input);
  const held = await deps.budget.reserve(input);
  if (!held.ok) return overBudget(deps, incident, held.reason);
  try {
    return await deps.diagnoser.diagnose(input);
  } finally {
    // Not fatal: an unreleased reservation stops counting when its lease runs out.
    await deps.budget
      .release(incident.id)
      .catch((err) => deps.log.warn({ err }, "could not release the LLM budget reservation"));
  }
}
