/**
 * Crates of a Rust repository found with no configuration: every Cargo.toml's package name, `[lib] name`,
 * `[[bin]]` targets and workspace members. A tracing target's first segment is a crate name (`-` -> `_`).
 * Only the few keys needed are read, with a line-based reader (no TOML dependency for five keys).
 */
import { readFile } from "node:fs/promises";
import { dirname, join, posix, relative } from "node:path";
import { glob } from "tinyglobby";
import { walkTree } from "./repo-walk.js";

/** The keys of one Cargo.toml that matter for mapping targets to files. */
export interface CargoManifest {
  packageName: string | null;
  libName: string | null;
  libPath: string | null;
  bins: { name: string | null; path: string | null }[];
  workspaceMembers: string[];
}

/** One crate: its name as it appears in tracing targets and the directory its modules live in. */
export interface Crate {
  name: string;
  /** Directory of the Cargo.toml, relative to the repository (posix, "" for the root). */
  manifestDir: string;
  /** Directory of the crate root file (lib.rs / main.rs), relative to the repository. */
  srcDir: string;
}

const stripComment = (line: string) => line.replace(/\s+#.*$|^#.*$/, "");
const STRING = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;

function strings(text: string): string[] {
  return [...text.matchAll(STRING)].map((m) => m[1] ?? m[2] ?? "");
}

/** Pure: read package/lib/bin names and paths and workspace members from Cargo.toml text. */
export function parseCargoToml(text: string): CargoManifest {
  const out: CargoManifest = {
    packageName: null,
    libName: null,
    libPath: null,
    bins: [],
    workspaceMembers: [],
  };
  let table = "";
  let pendingMembers: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    if (pendingMembers !== null) {
      pendingMembers += ` ${line}`;
      if (!line.includes("]")) continue;
      out.workspaceMembers.push(...strings(pendingMembers));
      pendingMembers = null;
      continue;
    }
    const header = /^\[\[?\s*([\w.-]+)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1]!;
      if (line.startsWith("[[") && table === "bin") out.bins.push({ name: null, path: null });
      continue;
    }
    const pair = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (!pair) continue;
    const [, key, value] = pair as unknown as [string, string, string];
    const first = strings(value)[0] ?? null;
    if (table === "package" && key === "name") out.packageName = first;
    else if (table === "lib" && key === "name") out.libName = first;
    else if (table === "lib" && key === "path") out.libPath = first;
    else if (table === "bin" && out.bins.length > 0 && (key === "name" || key === "path"))
      out.bins.at(-1)![key] = first;
    else if (table === "workspace" && key === "members") {
      if (value.includes("]")) out.workspaceMembers.push(...strings(value));
      else pendingMembers = value;
    }
  }
  return out;
}

/** Pure: a Cargo name as it appears in Rust paths (and so in tracing targets). */
export const rustName = (name: string) => name.replace(/-/g, "_");

/** Pure: the crates one manifest defines (library, default binary, explicit binaries). */
export function cratesOf(manifest: CargoManifest, manifestDir: string): Crate[] {
  const crates: Crate[] = [];
  const at = (p: string) => posix.join(manifestDir, p);
  if (manifest.packageName) {
    const libName = rustName(manifest.libName ?? manifest.packageName);
    crates.push({ name: libName, manifestDir, srcDir: at(posix.dirname(manifest.libPath ?? "src/lib.rs")) });
    const binName = rustName(manifest.packageName);
    if (binName !== libName) crates.push({ name: binName, manifestDir, srcDir: at("src") });
  }
  for (const bin of manifest.bins) {
    if (!bin.name) continue;
    crates.push({
      name: rustName(bin.name),
      manifestDir,
      srcDir: at(posix.dirname(bin.path ?? "src/main.rs")),
    });
  }
  return crates;
}

/** Find every crate of the repository: a bounded walk for Cargo.toml, plus workspace members' globs. */
export async function discoverCrates(repoPath: string, signal?: AbortSignal): Promise<Crate[]> {
  const manifests = new Set<string>();
  for await (const file of walkTree(repoPath, {
    match: (name) => name === "Cargo.toml",
    maxDepth: 6,
    signal,
  })) {
    manifests.add(file);
  }
  const crates: Crate[] = [];
  const seen = new Set<string>();
  const queue = [...manifests];
  while (queue.length > 0) {
    const rel = queue.shift()!;
    const text = await readFile(join(repoPath, rel), "utf8").catch(() => null);
    if (text === null || text.length > 1024 * 1024) continue;
    const manifest = parseCargoToml(text);
    const dir = posix.dirname(rel) === "." ? "" : posix.dirname(rel);
    for (const crate of cratesOf(manifest, dir)) {
      if (seen.has(crate.name)) continue;
      seen.add(crate.name);
      crates.push(crate);
    }
    if (manifest.workspaceMembers.length === 0) continue;
    // Members deeper than the walk went are still found through their globs.
    const members = await glob(
      manifest.workspaceMembers.map((m) => `${m.replace(/\/+$/, "")}/Cargo.toml`),
      { cwd: join(repoPath, dir), onlyFiles: true, ignore: ["**/target/**"] },
    );
    for (const member of members) {
      const memberRel = relative(repoPath, join(repoPath, dir, member))
        .split("\\")
        .join("/");
      if (!manifests.has(memberRel)) {
        manifests.add(memberRel);
        queue.push(memberRel);
      }
    }
  }
  return crates;
}

/** Pure: the crates the configuration names (`{ server: "codes/server/src" }`), which win over discovery. */
export function configuredCrates(sourceMap: Readonly<Record<string, string>>): Crate[] {
  return Object.entries(sourceMap).map(([name, srcDir]) => ({
    name: rustName(name),
    manifestDir: dirname(srcDir),
    srcDir: posix.normalize(srcDir).replace(/\/+$/, ""),
  }));
}
