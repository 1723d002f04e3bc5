/**
 * better-sqlite3 is a native addon: it loads only in the Node.js it was compiled for. npm compiles it at install
 * against the headers npm is told to use, and an npm setting `nodedir` left over for another Node (Debian's
 * /usr, say) silently builds it for that one: `npm start` then fails to open the database. At install, check it
 * loads and, when it was built for another Node.js, rebuild it against this Node's own headers (the official
 * builds ship them), offline.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Pure: what to do about a load failure of the addon: rebuild against `nodedir`, or tell the user. */
export function addonRepair(errorText, execPath, hasHeaders) {
  if (!/NODE_MODULE_VERSION/.test(errorText))
    return { action: "report", hint: "reinstall with `npm ci` and read the build errors above" };
  const nodedir = dirname(dirname(execPath));
  if (hasHeaders(join(nodedir, "include", "node", "node_version.h"))) return { action: "rebuild", nodedir };
  return {
    action: "report",
    hint: `run \`npm rebuild better-sqlite3 --nodedir=<the install directory of Node.js ${process.version}>\``,
  };
}

/** The addon's load error in a fresh process, or null when it loads. */
function loadError(root) {
  const probe = "new (require('better-sqlite3'))(':memory:').close()";
  const run = spawnSync(process.execPath, ["-e", probe], { cwd: root, encoding: "utf8" });
  return run.status === 0 ? null : `${run.stderr}${run.error?.message ?? ""}`;
}

/** Make sure better-sqlite3 loads in this Node.js; false (after saying why and what to do) when it cannot. */
export function ensureNativeAddon(root = ROOT) {
  if (!existsSync(join(root, "node_modules", "better-sqlite3"))) return true;
  const error = loadError(root);
  if (error === null) return true;
  const repair = addonRepair(error, process.execPath, existsSync);
  if (repair.action === "rebuild") {
    console.error(
      `ai-monitor: better-sqlite3 was built for another Node.js; rebuilding it for ${process.version} with the headers in ${repair.nodedir}...`,
    );
    // npm runs this script with npm_execpath set; outside npm, the npm next to this node.
    const npm = process.env.npm_execpath ?? join(dirname(process.execPath), "npm");
    const rebuilt = spawnSync(
      process.execPath,
      [npm, "rebuild", "better-sqlite3", `--nodedir=${repair.nodedir}`],
      {
        cwd: root,
        stdio: "inherit",
      },
    );
    if (rebuilt.status === 0 && loadError(root) === null) return true;
  }
  const first = error.split("\n").find((line) => line.trim() !== "" && !line.startsWith("node:")) ?? error;
  console.error(`ai-monitor: better-sqlite3 does not load in Node.js ${process.version}: ${first.trim()}`);
  console.error(
    `ai-monitor: to fix it, ${repair.action === "report" ? repair.hint : "run `npm rebuild better-sqlite3` and read its errors"}`,
  );
  return false;
}
