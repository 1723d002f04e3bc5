import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { configuredCrates, cratesOf, discoverCrates, parseCargoToml } from "./cargo-crates.js";

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "ai-monitor-cargo-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe("parseCargoToml", () => {
  it("reads package, lib, bins and multi-line workspace members, ignoring comments", () => {
    const manifest = parseCargoToml(`
# the server
[package]
name = "my-server" # dashes become underscores
version = "0.1.0"

[lib]
name = 'server_core'
path = "src/core/lib.rs"

[[bin]]
name = "server-cli"
path = "src/bin/cli.rs"

[[bin]]
name = "migrate"

[dependencies]
name = "not-a-package-name"

[workspace]
members = [
  "crates/*", # every crate
  'tools/gen',
]
`);
    expect(manifest).toEqual({
      packageName: "my-server",
      libName: "server_core",
      libPath: "src/core/lib.rs",
      bins: [
        { name: "server-cli", path: "src/bin/cli.rs" },
        { name: "migrate", path: null },
      ],
      workspaceMembers: ["crates/*", "tools/gen"],
    });
  });

  it("reads one-line members and a virtual manifest", () => {
    expect(parseCargoToml('[workspace]\nmembers = ["a", "b"]\nresolver = "2"')).toMatchObject({
      packageName: null,
      workspaceMembers: ["a", "b"],
    });
  });
});

describe("crates", () => {
  it("names crates as tracing targets spell them, with their source directories", () => {
    const manifest = parseCargoToml(
      '[package]\nname = "my-server"\n[[bin]]\nname = "x-tool"\npath = "tools/x.rs"',
    );
    expect(cratesOf(manifest, "crates/server")).toEqual([
      { name: "my_server", manifestDir: "crates/server", srcDir: "crates/server/src" },
      { name: "x_tool", manifestDir: "crates/server", srcDir: "crates/server/tools" },
    ]);
  });

  it("a configured map (crate -> source dir) defines crates", () => {
    expect(configuredCrates({ server: "codes/server/src/" })).toEqual([
      { name: "server", manifestDir: "codes/server", srcDir: "codes/server/src" },
    ]);
  });

  it("discovers a workspace's members, also deeper than the walk, and skips target/", async () => {
    const root = await tree({
      "Cargo.toml": '[workspace]\nmembers = ["crates/*", "a/b/c/d/e/f/g/deep"]',
      "crates/api-server/Cargo.toml": '[package]\nname = "api-server"',
      "crates/api-server/src/main.rs": "fn main() {}",
      "crates/common/Cargo.toml": '[package]\nname = "common"\n[lib]\nname = "shared"',
      "a/b/c/d/e/f/g/deep/Cargo.toml": '[package]\nname = "deep"',
      "target/debug/build/x/Cargo.toml": '[package]\nname = "junk"',
    });
    const crates = await discoverCrates(root);
    expect(crates.map((c) => [c.name, c.srcDir]).sort()).toEqual([
      ["api_server", "crates/api-server/src"],
      ["common", "crates/common/src"],
      ["deep", "a/b/c/d/e/f/g/deep/src"],
      ["shared", "crates/common/src"],
    ]);
  });
});
