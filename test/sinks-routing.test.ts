import { describe, expect, it } from "vitest";
import {
  type DispatchSection,
  discordSettings,
  dispatchSection,
  githubSettings,
} from "../src/config/dispatch-section.js";
import { silentLogger } from "../src/log.js";
import { createSinksFromConfig, routeAccepts, routeSink } from "../src/sinks/routing.js";
import type { Sink } from "../src/sinks/sink.js";
import { makeDiagnosis, makeIncident } from "./helpers/dispatch-incident.js";

const defaults = dispatchSection.parse({});
const sev = (severity: "critical" | "high" | "medium" | "low", autoFixable = false) =>
  makeIncident({ severity: "high", diagnosis: makeDiagnosis({ severity, autoFixable }) });

describe("routing table (the design's defaults)", () => {
  it.each([
    ["critical", true, true, false],
    ["high", true, true, false],
    ["medium", true, false, false],
    ["low", true, false, false],
  ] as const)("%s -> discord %s, github %s, autofix %s", (severity, discord, github, autofix) => {
    const incident = sev(severity);
    expect(routeAccepts(defaults.routes.discord, incident)).toBe(discord);
    expect(routeAccepts(defaults.routes.github, incident)).toBe(github);
    expect(routeAccepts(defaults.routes.autofix, incident)).toBe(autofix);
  });

  it("sends auto-fixable incidents to autofix, follows the diagnosis's severity, and skips backfills", () => {
    expect(routeAccepts(defaults.routes.autofix, sev("low", true))).toBe(true);
    expect(
      routeAccepts(
        defaults.routes.github,
        makeIncident({ severity: "high", diagnosis: makeDiagnosis({ severity: "low" }) }),
      ),
    ).toBe(false);
    expect(
      routeAccepts(defaults.routes.github, makeIncident({ severity: "critical", diagnosis: null })),
    ).toBe(true);
    expect(routeAccepts(defaults.routes.discord, makeIncident({ suppressed: "backfill" }))).toBe(false);
  });

  it("honours enable flags and custom severities from config", () => {
    const custom = dispatchSection.parse({
      routes: { discord: { enabled: false }, github: { severities: ["critical"] } },
    });
    expect(routeAccepts(custom.routes.discord, sev("critical"))).toBe(false);
    expect(routeAccepts(custom.routes.github, sev("high"))).toBe(false);
    expect(routeAccepts(custom.routes.github, sev("critical"))).toBe(true);
  });

  it("a routed sink keeps its own accepts and the rest of its interface", async () => {
    const inner: Sink = {
      name: "x",
      accepts: (_i, event) => event === "opened",
      send: async () => ({ ok: true, remoteRef: "r" }),
      providesLink: true,
    };
    const routed = routeSink(inner, defaults.routes.github);
    expect(routed.accepts(sev("high"), "resolved")).toBe(false);
    expect(routed.accepts(sev("high"), "opened")).toBe(true);
    expect(routed.providesLink).toBe(true);
    expect(await routed.send(sev("high"), "opened")).toEqual({ ok: true, remoteRef: "r" });
  });
});

describe("createSinksFromConfig", () => {
  const base = {
    discord: { webhookUrl: null as string | null },
    github: {
      token: null as string | null,
      repository: null as string | null,
      apiUrl: "https://api.github.com",
    },
  };
  const deps = { log: silentLogger(), now: Date.now };
  const config = (sinks: typeof base, dispatch: DispatchSection) => ({
    dispatch,
    discord: discordSettings(sinks.discord.webhookUrl, dispatch),
    github: githubSettings(sinks.github, dispatch, 0),
  });

  it("creates nothing without credentials, and each sink its credentials allow", () => {
    expect(createSinksFromConfig(config(base, defaults), deps)).toEqual([]);
    const both = createSinksFromConfig(
      config(
        {
          discord: { webhookUrl: "https://discord.com/api/webhooks/1/tok_tok_tok" },
          github: { token: "ghp_x", repository: "acme/server", apiUrl: "https://api.github.com" },
        },
        defaults,
      ),
      deps,
    );
    expect(both.map((s) => s.name)).toEqual(["discord", "github"]);
    expect(both[1]?.accepts(sev("medium"), "opened")).toBe(false);
  });

  it("leaves GitHub off when only one of token and repository is set, or when disabled", () => {
    const half = { ...base, github: { ...base.github, token: "ghp_x" } };
    expect(createSinksFromConfig(config(half, defaults), deps)).toEqual([]);
    const off = dispatchSection.parse({ routes: { github: { enabled: false } } });
    const full = { ...base, github: { token: "ghp_x", repository: "a/b", apiUrl: "https://api.github.com" } };
    expect(createSinksFromConfig(config(full, off), deps)).toEqual([]);
  });
});

describe("dispatch config section", () => {
  it("defaults to the design's table, no dry run, no Grafana", () => {
    expect(defaults).toMatchObject({
      dryRun: false,
      routes: {
        discord: { enabled: true, severities: ["critical", "high", "medium", "low"], autoFixableOnly: false },
        github: { enabled: true, severities: ["critical", "high"], autoFixableOnly: false },
        autofix: { enabled: true, autoFixableOnly: true },
      },
      grafana: { url: null, lokiDatasourceUid: "loki", selector: null, orgId: 1 },
      discord: { username: "ai-monitor", timeout: 10_000 },
    });
  });

  it("rejects what Discord or a typo would break", () => {
    expect(dispatchSection.safeParse({ discord: { username: "Discord Alerts" } }).success).toBe(false);
    expect(dispatchSection.safeParse({ routes: { github: { severities: ["urgent"] } } }).success).toBe(false);
    expect(dispatchSection.safeParse({ routes: { slack: {} } }).success).toBe(false);
  });
});
