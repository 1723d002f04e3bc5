/**
 * At install (`prepare`), better-sqlite3 built for another Node.js (an npm `nodedir` setting left pointing at
 * another Node's headers) is rebuilt against this Node's own headers; anything else is reported with what to do.
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script of the repository, without type declarations
import { addonRepair, ensureNativeAddon } from "../scripts/native-addon.mjs";

const ABI =
  "Error: The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127.";

describe("addonRepair", () => {
  it("rebuilds against the headers beside this node when the addon was built for another Node.js", () => {
    const seen: string[] = [];
    const repair = addonRepair(ABI, "/opt/node-22/bin/node", (path: string) => seen.push(path) > 0);
    expect(repair).toEqual({ action: "rebuild", nodedir: "/opt/node-22" });
    expect(seen).toEqual(["/opt/node-22/include/node/node_version.h"]);
  });

  it("says what to run when this node has no headers beside it, and does not guess on other errors", () => {
    expect(addonRepair(ABI, "/usr/bin/node", () => false)).toMatchObject({
      action: "report",
      hint: expect.stringContaining("npm rebuild better-sqlite3 --nodedir="),
    });
    expect(
      addonRepair("Error: Cannot find module 'better-sqlite3'", "/usr/bin/node", () => true),
    ).toMatchObject({
      action: "report",
    });
  });
});

describe("ensureNativeAddon", () => {
  it("finds the repository's own addon loading in this Node.js", () => {
    expect(ensureNativeAddon()).toBe(true);
  });
});
