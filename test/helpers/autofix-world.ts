/**
 * An autofix world for integration tests: the repository pair (autofix-repo.ts), the fake GitHub (its PR
 * routes refuse a head branch the bare origin lacks), a SQLite store, and the autofix sink built by the real
 * factory. Incidents go in through the store and out through the real deliver step, so each attempt ends as
 * the outbox records it: "sent" with the PR URL, or "failed" with the reason.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach } from "vitest";
import type { AttemptOutcome } from "../../src/autofix/autofix-run.js";
import { createAutofixSinkFromConfig } from "../../src/autofix/autofix-wiring.js";
import { createGit } from "../../src/autofix/git.js";
import { type AutofixOptionsInput, autofixSection } from "../../src/config/autofix-section.js";
import { dispatchSection } from "../../src/config/dispatch-section.js";
import type { Diagnosis, Incident, ProposedEdit, Signal } from "../../src/domain/types.js";
import { createMetrics } from "../../src/metrics.js";
import { runDeliverStep } from "../../src/pipeline/deliver-step.js";
import type { Sink } from "../../src/sinks/sink.js";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { type AutofixRepo, makeAutofixRepo, SHARED_CARGO_TARGET } from "./autofix-repo.js";
import { makeDiagnosis } from "./dispatch-incident.js";
import { type FakeGithub, startFakeGithub } from "./fake-github.js";

/** The edit the suite is about: the Claude timeout raised from 30 s to 60 s. */
export const RAISE_TIMEOUT: ProposedEdit = {
  file: "src/domain/ai/service.rs",
  find: "pub const TIMEOUT_SECS: u64 = 30;",
  replace: "pub const TIMEOUT_SECS: u64 = 60;",
};

/** What a test may change about the stored incident. */
export interface IncidentPatch {
  signal?: Partial<Signal>;
  diagnosis?: Partial<Diagnosis>;
}

/** One world; `close` removes what it started. */
export interface AutofixWorld {
  repo: AutofixRepo;
  github: FakeGithub;
  store: Store;
  sink: Sink;
  reason: string;
  attempts: AttemptOutcome[];
  logs: string[];
  clock: { now: number };
  /** Store an AI_003-like incident whose diagnosis proposes `edit`; returns it. */
  incident(edit: ProposedEdit | null, patch?: IncidentPatch): Promise<Incident>;
  /** Run the real deliver step for the incident and return it as stored afterwards. */
  deliver(incident: Incident): Promise<Incident>;
  /** A second sink over the same store (another replica, or the process after a restart). */
  replica(): Sink;
  close(): Promise<void>;
}

/** Build a world; options go to `autofixOptions`. */
export async function autofixWorld(
  options: AutofixOptionsInput = {},
  shared?: { store: Store },
): Promise<AutofixWorld> {
  const repo = await makeAutofixRepo();
  const github = await startFakeGithub({
    pullHeadExists: async (branch) => (await repo.remoteBranches()).includes(branch),
  });
  const dir = await mkdtemp(join(tmpdir(), "ai-monitor-autofix-db-"));
  const store = shared?.store ?? createSqliteStore({ path: join(dir, "db.sqlite") });
  if (!shared) await store.init();
  const clock = { now: Date.now() };
  const logs: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  const attempts: AttemptOutcome[] = [];
  const config = {
    autofix: true,
    autofixOptions: autofixSection.parse({
      testCommand: "cargo test --offline",
      cargoTargetDir: SHARED_CARGO_TARGET,
      testTimeout: "120s",
      ...options,
    }),
    repoPath: repo.work,
    github: { token: github.token, repository: github.repository, apiUrl: github.apiUrl },
    dispatch: dispatchSection.parse({}),
  };
  const build = () => {
    const wiring = createAutofixSinkFromConfig(config, {
      store,
      log,
      now: () => clock.now,
      retryBaseMs: 1,
      throttle: false,
      git: createGit({ author: { name: "ai-monitor", email: "ai-monitor@example.com" }, env: repo.env }),
      onAttempt: (_incident, outcome) => void attempts.push(outcome),
    });
    if (!wiring.sink) throw new Error(wiring.reason);
    return { sink: wiring.sink, reason: wiring.reason };
  };
  const { sink, reason } = build();
  const metrics = createMetrics();
  let seq = 0;

  return {
    repo,
    github,
    store,
    sink,
    reason,
    attempts,
    logs,
    clock,
    async incident(edit, patch = {}) {
      const target = `server::domain::ai::service${seq++ ? `::${seq}` : ""}`;
      const signal: Signal = {
        fingerprint: `AI_003:${target}`,
        errorCode: "AI_003",
        target,
        level: "ERROR",
        message: "Claude API timeout after 30000ms",
        requestId: "req_7f3a1c",
        fields: { duration_ms: 30512 },
        source: "file",
        count: 1,
        ...patch.signal,
        // Always live: an occurrence older than maxAge would be a backfill that alerts no one.
        timestampMs: clock.now,
      };
      const policy = { windowMs: 300_000, maxAgeMs: 3_600_000, now: clock.now };
      const [outcome] = await store.ingest([signal], policy);
      if (outcome?.kind !== "new") throw new Error(`ingest gave ${outcome?.kind}`);
      await store.saveDiagnosis(
        outcome.incidentId,
        makeDiagnosis({
          title: "Claude calls time out at the 30 s client limit",
          rootCause: "Calls take 31-34 s; TIMEOUT_SECS is 30.",
          autoFixable: edit !== null,
          proposedEdit: edit,
          fixSuggestion: edit ? "Raise TIMEOUT_SECS to 60." : null,
          by: "claude-test",
          confidence: 0.9,
          ...patch.diagnosis,
        }),
      );
      return (await store.getIncident(outcome.incidentId))!;
    },
    async deliver(incident) {
      await runDeliverStep(
        { store, sinks: [sink], metrics, log, now: () => clock.now },
        incident,
        "opened",
        false,
      );
      return (await store.getIncident(incident.id))!;
    },
    replica: () => build().sink,
    async close() {
      await github.close();
      if (!shared) await store.close();
      for (const path of [repo.work, repo.origin, repo.env.HOME!, dir])
        await rm(path, { recursive: true, force: true });
    },
  };
}

/** Closes every world made through the returned factory after each test of the calling file. */
export function useAutofixWorlds(): (options?: AutofixOptionsInput) => Promise<AutofixWorld> {
  const worlds: AutofixWorld[] = [];
  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.close();
  });
  return async (options = {}) => {
    const w = await autofixWorld(options);
    worlds.push(w);
    return w;
  };
}
