/**
 * When the tailer looks at its files: on fs.watch events (low latency) and on a polling timer (the fallback
 * where fs.watch stays silent: network mounts, some containers). Passes run one at a time; requests made
 * meanwhile coalesce into the next pass.
 */
import { type FSWatcher, watch } from "node:fs";
import type { Logger } from "../log.js";

/**
 * One pass over the files. `full` also looks at the patterns again (new or vanished files); resolves true
 * when every file was read to its end with every batch stored.
 */
export type Pass = (full: boolean) => Promise<boolean>;

export interface WatchLoopOptions {
  pass: Pass;
  pollIntervalMs: number;
  log: Logger;
}

/** A running schedule of passes. */
export interface WatchLoop {
  /** Start polling and run a first quick pass; requests made before start wait for it. */
  start(): void;
  /** Ask for a pass; resolves with that pass's result (true once stopped). */
  request(full: boolean): Promise<boolean>;
  /** Watch these directories too (those already watched are kept); a missing one is left to polling. */
  watchDirs(dirs: Iterable<string>): void;
  /** Resolves once a full pass came back clean, retrying while it does not. */
  settled(): Promise<void>;
  /** Stop the timer and the watchers, let the pass in flight finish, release every waiter. */
  stop(): Promise<void>;
}

/** Create the loop; no pass runs before start(). */
export function createWatchLoop(options: WatchLoopOptions): WatchLoop {
  const { pass, pollIntervalMs, log } = options;
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  let wantFull = false;
  let wantQuick = false;
  let waiters: Array<{ full: boolean; resolve: (clean: boolean) => void }> = [];

  function request(full: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      if (stopped) return resolve(true);
      waiters.push({ full, resolve });
      if (full) wantFull = true;
      else wantQuick = true;
      if (started) kick();
    });
  }

  function kick(): void {
    if (running || stopped) return;
    running = loop().finally(() => {
      running = null;
      if (wantFull || wantQuick) kick();
    });
  }

  async function loop(): Promise<void> {
    while ((wantFull || wantQuick) && !stopped) {
      const full = wantFull;
      wantFull = wantQuick = false;
      // A full pass answers every waiter; a quick one only those that asked for a quick one.
      const served = waiters.filter((w) => full || !w.full);
      waiters = waiters.filter((w) => !full && w.full);
      let clean = false;
      try {
        clean = await pass(full);
      } catch (err) {
        log.error({ err }, "tail pass failed: retrying at the next poll");
      }
      for (const w of served) w.resolve(clean);
    }
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      timer = setInterval(() => void request(true), pollIntervalMs);
      void request(false);
    },
    request,
    watchDirs(dirs) {
      if (stopped) return;
      for (const dir of dirs) {
        if (watchers.has(dir)) continue;
        try {
          // "rename" may mean a new or vanished file: look at the patterns again; "change" is an append.
          const watcher = watch(dir, { persistent: false }, (event) => void request(event === "rename"));
          watcher.on("error", (err) => {
            log.warn({ err, dir }, "fs.watch failed: polling only until it can be set up again");
            watcher.close();
            watchers.delete(dir);
          });
          watchers.set(dir, watcher);
        } catch {
          // Directory missing or not watchable: polling covers it and the next full pass tries again.
        }
      }
    },
    async settled() {
      while (started && !stopped) {
        if (await request(true)) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, 50)));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      await running;
      for (const w of waiters) w.resolve(true);
      waiters = [];
    },
  };
}
