/**
 * `npm start` builds only when the sources changed since the last build (scripts/build-if-stale.mjs), so a
 * start after `npm ci` (which builds once, `prepare`) goes straight to serving.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script of the repository, without type declarations
import { staleReason } from "../scripts/build-if-stale.mjs";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "ai-monitor-stale-"));
  dirs.push(root);
  mkdirSync(join(root, "src", "commands"), { recursive: true });
  mkdirSync(join(root, "dist"));
  writeFileSync(join(root, "src", "commands", "serve.ts"), "");
  writeFileSync(join(root, "tsconfig.json"), "{}");
  return root;
}
const at = (path: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, t, t);
};

describe("build only when stale", () => {
  it("builds when dist/ is missing or a source is newer, not when dist/ is current", () => {
    const root = project();
    expect(staleReason(root)).toBe("dist/ is missing");
    writeFileSync(join(root, "dist", "cli.js"), "");
    for (const p of ["src/commands/serve.ts", "src/commands", "src", "tsconfig.json"]) at(join(root, p), 60);
    expect(staleReason(root)).toBeNull();
    at(join(root, "src", "commands", "serve.ts"), 0);
    expect(staleReason(root)).toBe("src changed since the last build");
  });

  it("ignores test files, which are not built", () => {
    const root = project();
    writeFileSync(join(root, "dist", "cli.js"), "");
    writeFileSync(join(root, "src", "commands", "serve.test.ts"), "");
    for (const p of ["src/commands/serve.ts", "src/commands", "src", "tsconfig.json"]) at(join(root, p), 60);
    expect(staleReason(root)).toBeNull();
  });

  it("package.json: prepare builds at install, start runs through the staleness check", () => {
    const { scripts } = JSON.parse(readFileSync("package.json", "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.prepare).toContain("scripts/prepare.mjs");
    expect(scripts.start).toBe("node scripts/start.mjs serve");
    expect(scripts.prestart).toBeUndefined();
    // The repository's own dist/ was just built (`npm test` builds first): current, so `npm start` builds nothing.
    expect(staleReason()).toBeNull();
  });
});
