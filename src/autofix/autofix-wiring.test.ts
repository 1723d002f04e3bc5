import { describe, expect, it } from "vitest";
import { autofixSection } from "../config/autofix-section.js";
import { dispatchSection } from "../config/dispatch-section.js";
import { silentLogger } from "../log.js";
import { createAutofixSinkFromConfig } from "./autofix-wiring.js";

const deps = {
  store: { takeToken: async () => true, getIncident: async () => null },
  log: silentLogger(),
  now: () => 0,
};
const github = { token: "ghp_x", repository: "acme/server", apiUrl: "https://api.github.com" };
const on = {
  autofix: true,
  autofixOptions: autofixSection.parse({}),
  repoPath: "/srv/server",
  github,
};

describe("createAutofixSinkFromConfig", () => {
  it.each([
    ["off", { ...on, autofix: false }, /autofix is off/],
    ["no repository path", { ...on, repoPath: null }, /needs AI_MONITOR_REPO_PATH/],
    [
      "no GitHub token",
      { ...on, github: { ...github, token: null } },
      /needs GITHUB_TOKEN$|needs GITHUB_TOKEN;/,
    ],
    [
      "nothing",
      { ...on, repoPath: null, github: { ...github, token: null, repository: null } },
      /needs AI_MONITOR_REPO_PATH \(repoPath\), GITHUB_TOKEN, GITHUB_REPOSITORY;/,
    ],
    [
      "route disabled",
      { ...on, dispatch: dispatchSection.parse({ routes: { autofix: { enabled: false } } }) },
      /routes\.autofix\.enabled is false/,
    ],
  ])("%s: no sink, and says why", (_name, config, reason) => {
    const wiring = createAutofixSinkFromConfig(config, deps);
    expect(wiring.sink).toBeNull();
    expect(wiring.reason).toMatch(reason);
  });

  it("builds the routed sink with the default options", () => {
    const wiring = createAutofixSinkFromConfig({ ...on, dispatch: dispatchSection.parse({}) }, deps);
    expect(wiring.sink).toMatchObject({ name: "autofix", providesLink: true });
    expect(wiring.reason).toBe(
      "autofix is on: draft PRs to acme/server from /srv/server (base: the default branch of origin; " +
        "at most 5 per 24 h; gate: cargo test)",
    );
  });
});
