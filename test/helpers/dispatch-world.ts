/**
 * A dispatch world for outbox tests: fake Discord and GitHub, a SQLite file, and "processes" (store connection,
 * real sinks, worker) that can be killed: after `kill()`, everything the process tries to write is refused,
 * which is what SIGKILL means to the outside world.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dispatchSection } from "../../src/config/dispatch-section.js";
import { loadCatalog } from "../../src/diagnose/catalog.js";
import type { Diagnoser } from "../../src/diagnose/diagnoser.js";
import type { Signal } from "../../src/domain/types.js";
import { silentLogger } from "../../src/log.js";
import { createDiscordSink } from "../../src/sinks/discord/discord-sink.js";
import { createGithubSink } from "../../src/sinks/github/github-sink.js";
import { routeSink } from "../../src/sinks/routing.js";
import type { Sink } from "../../src/sinks/sink.js";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { prng } from "./dispatch-incident.js";
import { startFakeDiscord } from "./fake-discord.js";
import { startFakeGithub } from "./fake-github.js";
import { codeSignal, wirePipeline } from "./in-process-pipeline.js";

/** An alert-sourced signal (live, never a backfill) for `code` at `target`. */
export function signal(code: string, target: string, atMs: number): Signal {
  return codeSignal(code, atMs, { target, message: `${code} happened in ${target}`, source: "alertmanager" });
}

/** Make every method of `target` fail once `state.killed` is set: the process is gone, nothing more is written. */
function killable<T extends object>(target: T, state: { killed: boolean }): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        state.killed
          ? Promise.reject(new Error("killed"))
          : (value as (...a: unknown[]) => unknown).apply(t, args);
    },
  });
}

/** Build a world; `cleanup` collects what the test must close afterwards. */
export async function world(
  cleanup: Array<() => Promise<unknown>>,
  /** `extraSinks`: scripted sinks every process delivers to besides Discord and GitHub (an autofix stand-in). */
  /** `diagnoser`: instead of the offline catalog (which costs nothing and so is never rate-limited). */
  options: { failRate?: number; ratePerHour?: number; extraSinks?: Sink[]; diagnoser?: Diagnoser } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "ai-monitor-dispatch-"));
  let now = Date.now();
  const clock = () => now;
  const discord = await startFakeDiscord({ failRate: options.failRate, random: prng(42), now: clock });
  const github = await startFakeGithub();
  cleanup.push(
    () => discord.close(),
    () => github.close(),
  );
  const catalog = await loadCatalog(null);
  const routes = dispatchSection.parse({}).routes;

  /** One process: its own store connection, sinks and worker over the shared SQLite file. */
  async function startProcess(owner: string) {
    const raw = createSqliteStore({ path: join(dir, "db.sqlite") });
    await raw.init();
    cleanup.push(() => raw.close());
    const state = { killed: false };
    const store = killable<Store>(raw, state);
    const log = silentLogger();
    const fetchOnce: typeof fetch = (input, init) =>
      state.killed ? Promise.reject(new Error("killed")) : fetch(input, init);
    const sinks = [
      routeSink(
        // The world's clock only moves between drains: a rate-limit wait goes back to the outbox at once.
        createDiscordSink({
          webhookUrl: discord.webhookUrl,
          fetch: fetchOnce,
          log,
          now: clock,
          maxRateWaitMs: 0,
        }),
        routes.discord,
      ),
      routeSink(
        createGithubSink({
          token: github.token,
          repository: github.repository,
          apiUrl: github.apiUrl,
          fetch: fetchOnce,
          log,
          now: clock,
          throttle: false,
          retryBaseMs: 1,
        }),
        routes.github,
      ),
      ...(options.extraSinks ?? []),
    ];
    const { worker, intake } = wirePipeline(
      {
        store,
        sinks,
        log,
        now: clock,
        catalog,
        ratePerHour: options.ratePerHour ?? 1000,
        ...(options.diagnoser ? { diagnoser: options.diagnoser } : {}),
      },
      { owner, maxAttempts: 100, concurrency: 4 },
    );
    const kill = () => {
      state.killed = true;
    };
    return { store: raw, worker, intake, kill };
  }

  /** Drain, let every backoff and rate window pass, and again, until the queue is empty. */
  async function settle(p: { store: Store; worker: { drain(): Promise<number> } }, rounds = 200) {
    for (let i = 0; i < rounds; i++) {
      await p.worker.drain();
      if ((await p.store.queueStats(now)).depth === 0) return i;
      now += 6 * 60_000;
    }
    throw new Error("the queue never emptied");
  }

  /** The Discord messages whose footer names the incident. */
  const messagesOf = (incidentId: string) =>
    [...discord.messages.values()].filter((m) =>
      m.message.embeds[0]?.footer?.text.startsWith(`ai-monitor #${incidentId} `),
    );

  const advance = (ms: number) => {
    now += ms;
  };
  return { discord, github, startProcess, settle, messagesOf, clock, advance };
}
