/**
 * vitest globalSetup: every test and every process it starts (serve, demo, git, cargo) gets one private temp
 * directory for the run (TMPDIR), removed at the end, so the suite leaves nothing in the machine's temp folder
 * whatever a test forgets to clean. Node's os.tmpdir() reads TMPDIR on each call; workers inherit it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string | null = null;
let previous: string | undefined;

/** Create the run's temp directory and point TMPDIR at it. */
export function setup(): void {
  previous = process.env.TMPDIR;
  root = mkdtempSync(join(tmpdir(), "ai-monitor-test-run-"));
  process.env.TMPDIR = root;
}

/** Remove it with everything left inside, and restore TMPDIR. */
export function teardown(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
}
