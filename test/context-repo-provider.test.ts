import { mkdir, mkdtemp, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ProviderOutput } from "../src/context/context.js";
import { bestDefinition, createRepoProvider } from "../src/context/repo-provider.js";
import type { Incident } from "../src/domain/types.js";
import { copyRustFixture, makeRustFixtureRepo } from "./helpers/rust-fixture-repo.js";

const base = {
  id: "1",
  fingerprint: "AI_003:server::domain::ai::service",
  errorCode: "AI_003",
  target: "server::domain::ai::service",
  level: "ERROR",
  message: "Claude API timeout after 30000ms",
  requestId: "req_1",
  filename: null,
  lineNumber: null,
  fields: {},
} as unknown as Incident;

async function gather(repoPath: string, incident: Incident, sourceMap: Record<string, string> = {}) {
  const provider = createRepoProvider({ repoPath, sourceMap, windowLines: 20, gitCommits: 5 });
  return (await provider.gather(incident, new AbortController().signal)) as ProviderOutput;
}

describe("repo provider", () => {
  it("uses the log's filename and line_number when it has them", async () => {
    const repo = await makeRustFixtureRepo();
    const out = await gather(repo, { ...base, filename: "src/domain/ai/service.rs", lineNumber: 34 });
    const source = out.items.find((i) => i.id === "source:src/domain/ai/service.rs")!;
    expect(source.title).toContain("line 34");
    expect(source.text).toMatch(/^>34 \| .*from_secs\(TIMEOUT_SECS\)/m);
    expect(out.partial).toEqual([]);
  });

  it("a config map overrides discovery (crate moved under codes/server/src, no Cargo.toml there)", async () => {
    const repo = await copyRustFixture();
    await mkdir(join(repo, "codes/server"), { recursive: true });
    await rename(join(repo, "src"), join(repo, "codes/server/src"));
    const out = await gather(repo, base, { server: "codes/server/src" });
    expect(out.items.map((i) => i.id)).toEqual([
      "source:codes/server/src/domain/ai/service.rs",
      "source:codes/server/src/global/error.rs#AI_003",
    ]);
    expect(out.partial).toEqual([expect.stringMatching(/^git: .* is not a git repository; no history$/)]);
  });

  it("finds the statement by searching the tree when the target maps to no crate", async () => {
    const repo = await copyRustFixture();
    const out = await gather(repo, { ...base, target: "renamed_crate::ai" });
    expect(out.partial?.[0]).toBe("source: target renamed_crate::ai maps to no crate (crates found: server)");
    expect(out.items[0]!.id).toBe("source:src/domain/ai/service.rs");
  });

  it("shows the module's head and says so when the statement is not found", async () => {
    const repo = await copyRustFixture();
    const out = await gather(repo, { ...base, errorCode: null, message: "a message nowhere in the code" });
    expect(out.items[0]).toMatchObject({ id: "source:src/domain/ai/service.rs" });
    expect(out.items[0]!.title).toContain("emitting statement not found");
    expect(out.partial).toContain(
      'source: the statement that logged "a message nowhere in the code" was not found',
    );
  });

  it("a missing repository is a partial reason", async () => {
    const out = await gather(join(await mkdtemp(join(tmpdir(), "ai-monitor-norepo-")), "gone"), base);
    expect(out).toEqual({ items: [], partial: [expect.stringMatching(/^repo: .*gone is not a directory/)] });
  });
});

describe("bestDefinition", () => {
  const files: Record<string, string[]> = {
    "error.rs": ["pub enum ErrorCode {", "    /// timeout", "    AI_003,", "}"],
    "service.rs": [
      "fn f() {",
      '    error!(code = %ErrorCode::AI_003, "x");',
      "    Err(ErrorCode::AI_003)",
      "}",
    ],
    "codes.rs": ['pub const AI_003: &str = "AI_003";'],
  };
  const linesOf = (file: string) => files[file] ?? null;

  it("prefers the enum variant over uses", () => {
    const hits = [
      { file: "service.rs", line: 3, needle: "AI_003" },
      { file: "error.rs", line: 3, needle: "AI_003" },
    ];
    expect(bestDefinition(hits, linesOf, "AI_003", null)).toEqual({ file: "error.rs", line: 3 });
  });

  it("finds a const definition, and never the emitting statement", () => {
    const hits = [
      { file: "service.rs", line: 2, needle: "AI_003" },
      { file: "codes.rs", line: 1, needle: "AI_003" },
    ];
    expect(bestDefinition(hits, linesOf, "AI_003", { file: "codes.rs", line: 1 })).toBeNull();
    expect(bestDefinition(hits, linesOf, "AI_003", null)).toEqual({ file: "codes.rs", line: 1 });
  });
});
