import { describe, expect, it } from "vitest";
import { branchName } from "./worktree.js";

describe("branchName", () => {
  const at = Date.parse("2026-11-26T09:14:33.512Z");
  it.each([
    ["AI_003", "7", "fix/AI_003-20261126T091433Z-7"],
    [null, "12", "fix/NO_CODE-20261126T091433Z-12"],
    ["../../evil ~^:?*[", "7", "fix/_evil_-20261126T091433Z-7"],
    ["AI_003", "a/b..c", "fix/AI_003-20261126T091433Z-abc"],
  ])("%s / %s", (code, id, branch) => {
    expect(branchName(code, at, id)).toBe(branch);
  });
});
