import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One private TMPDIR per run, removed at the end: the suite leaves nothing in the temp folder.
    globalSetup: ["test/helpers/temp-root.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: integration suites spawn processes and servers; keep parallelism modest.
    maxWorkers: 2,
  },
});
