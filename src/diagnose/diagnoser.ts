/** The diagnosis stage: an incident plus its context in, a Diagnosis out. */
import type { ContextBundle } from "../context/context.js";
import type { Diagnosis, Incident } from "../domain/types.js";

/** What a diagnoser sees. */
export interface DiagnoseInput {
  incident: Incident;
  context: ContextBundle;
}

/** A diagnoser: the offline catalog, or an LLM. */
export interface Diagnoser {
  readonly name: string;
  /** True when a diagnosis costs nothing (the offline catalog): the hourly limit is for LLM calls only. */
  readonly free?: boolean;
  diagnose(input: DiagnoseInput): Promise<Diagnosis>;
}
