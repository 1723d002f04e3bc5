import { describe, expect, it } from "vitest";
import type { Delivery } from "../src/domain/types.js";
import { buildDiscordMessage, SEVERITY_COLOURS } from "../src/sinks/discord/payload.js";
import { discordCode, discordText, ZWSP } from "../src/sinks/discord/safe-text.js";
import { grafanaExploreLink } from "../src/sinks/grafana-explore.js";
import { hostileIncident, makeIncident } from "./helpers/dispatch-incident.js";
import { discordErrors } from "./helpers/fake-discord.js";

const explore = grafanaExploreLink({
  url: "http://grafana.local:3000/",
  lokiDatasourceUid: "loki",
  selector: '{app="server"}',
  orgId: 1,
});

/** Every string of a payload, flattened (what a reader of the channel could see). */
function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}

describe("Discord payload", () => {
  it("shows the design's alert: coded title, diagnosis, facts, colour by severity, never any mention", () => {
    const message = buildDiscordMessage(makeIncident(), { exploreUrl: null });
    const [embed] = message.embeds;
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(embed?.title).toBe("[AI_003] Claude API timeout after 30000ms");
    expect(embed?.color).toBe(SEVERITY_COLOURS.high);
    expect(embed?.description).toContain("**Root cause**\nThe request took longer than the client timeout.");
    const names = embed?.fields?.map((f) => f.name);
    expect(names).toEqual([
      "Severity",
      "Error code",
      "Count",
      "Target",
      "First seen",
      "Last seen",
      "Request id",
      "Recommendation",
      "Cost",
      "Links",
    ]);
    expect(embed?.fields?.find((f) => f.name === "Target")?.value).toBe(
      "`server::domain::ai::service`\n`src/domain/ai/service.rs:88`",
    );
    expect(embed?.fields?.find((f) => f.name === "First seen")?.value).toMatch(/^<t:\d+:f> \(<t:\d+:R>\)$/);
    expect(discordErrors(message)).toBeNull();
  });

  it("links Grafana, the GitHub issue and the PR once their sinks report them", () => {
    const incident = makeIncident({
      deliveries: [
        {
          sink: "github",
          state: "sent",
          attempts: 1,
          remoteRef: "https://github.com/acme/server/issues/12",
          lastError: null,
          updatedAt: 0,
        },
        {
          sink: "autofix",
          state: "sent",
          attempts: 1,
          remoteRef: "https://github.com/acme/server/pull/13",
          lastError: null,
          updatedAt: 0,
        },
      ],
    });
    const [embed] = buildDiscordMessage(incident, { exploreUrl: explore(incident) }).embeds;
    const links = embed?.fields?.find((f) => f.name === "Links")?.value ?? "";
    expect(links).toMatch(
      /^\[Logs in Grafana\]\(http:\/\/grafana\.local:3000\/explore\?schemaVersion=1&orgId=1&panes=[^()\s]+\)$/m,
    );
    expect(links).toContain("[GitHub issue #12](https://github.com/acme/server/issues/12)");
    expect(links).toContain("[Draft PR #13](https://github.com/acme/server/pull/13)");
    expect(links).toContain("[Runbook](https://runbooks.example/AI_003)");
    expect(embed?.url).toBe("https://github.com/acme/server/issues/12");
  });

  it("says why auto-fix was not applied when its attempt failed for good, and only then", () => {
    const autofix = (patch: Partial<Delivery>): Delivery => ({
      sink: "autofix",
      state: "failed",
      attempts: 1,
      remoteRef: null,
      lastError: "denied: the edit touches src/main.rs, outside the allowed files",
      updatedAt: 0,
      ...patch,
    });
    const field = (deliveries: Delivery[]) =>
      buildDiscordMessage(makeIncident({ deliveries }), { exploreUrl: null }).embeds[0]?.fields?.find(
        (f) => f.name === "Auto-fix: not applied",
      );

    expect(field([autofix({})])?.value).toBe(
      "denied: the edit touches src/main.rs, outside the allowed files",
    );
    // Never sent to autofix, still trying, or a PR opened (its link says it): no such field.
    expect(field([])).toBeUndefined();
    expect(field([autofix({ state: "pending", lastError: "429 from GitHub" })])).toBeUndefined();
    expect(field([autofix({ state: "sending" })])).toBeUndefined();
    const opened = autofix({ state: "sent", remoteRef: "https://github.com/acme/server/pull/13" });
    expect(field([opened])).toBeUndefined();
    const [embed] = buildDiscordMessage(makeIncident({ deliveries: [opened] }), { exploreUrl: null }).embeds;
    expect(embed?.fields?.find((f) => f.name === "Links")?.value).toContain(
      "[Draft PR #13](https://github.com/acme/server/pull/13)",
    );
    expect(field([autofix({ lastError: null })])?.value).toBe("no reason recorded");
  });

  it("keeps an untrusted, long autofix reason inert and within Discord's limits", () => {
    const reason = `tests failed: @everyone see [here](https://evil.example/x) ${"x".repeat(3000)}`;
    const incident = makeIncident({
      deliveries: [
        { sink: "autofix", state: "failed", attempts: 1, remoteRef: null, lastError: reason, updatedAt: 0 },
      ],
    });
    const message = buildDiscordMessage(incident, { exploreUrl: null });
    const value = message.embeds[0]?.fields?.find((f) => f.name === "Auto-fix: not applied")?.value ?? "";
    expect(value).toMatch(/^tests failed: @\u200beveryone see \\\[here\\\]\\\(https:\u200b\/\/evil/);
    expect(value).not.toMatch(/https?:\/\//);
    expect([...value].length).toBeLessThanOrEqual(500);
    expect(value.endsWith("…")).toBe(true);
    expect(discordErrors(message)).toBeNull();
  });

  it("turns green with the resolution time once resolved", () => {
    const incident = makeIncident({ status: "resolved", resolvedAt: Date.parse("2026-11-26T10:00:00Z") });
    const [embed] = buildDiscordMessage(incident, { exploreUrl: null }).embeds;
    expect(embed?.title).toMatch(/^✅ RESOLVED · /);
    expect(embed?.color).toBe(SEVERITY_COLOURS.resolved);
    expect(embed?.fields?.find((f) => f.name === "Resolved")?.value).toContain(
      `<t:${Date.parse("2026-11-26T10:00:00Z") / 1000}:f>`,
    );
  });

  it("still sends a basic alert without a diagnosis, and says why a diagnosis was skipped", () => {
    const [bare] = buildDiscordMessage(makeIncident({ diagnosis: null }), { exploreUrl: null }).embeds;
    expect(bare?.description).toContain("No diagnosis yet: basic alert.");
    const skipped = makeIncident();
    skipped.diagnosis!.skippedReason = "diagnosis skipped: the limit of 10 diagnoses per hour is reached";
    const [note] = buildDiscordMessage(skipped, { exploreUrl: null }).embeds;
    expect(note?.description).toContain("_diagnosis skipped: the limit of 10 diagnoses per hour is reached");
  });

  it("renders the hostile fixture line with no mention, no secret and no live link", () => {
    const incident = hostileIncident();
    const message = buildDiscordMessage(incident, { exploreUrl: explore(incident) });
    const all = texts(message).join("\n");
    expect(all).not.toMatch(/@(everyone|here)/);
    expect(all).not.toMatch(/<@[&!]?\d+>/);
    expect(all).not.toContain("CANARY");
    expect(all).not.toMatch(/https?:\/\/evil/); // every scheme from log text is broken with a zero-width space
    expect(all).not.toMatch(/\]\(https?:\/\/evil/);
    expect(all).toContain(`@${ZWSP}everyone`);
    // Only ai-monitor's own URLs remain live: Grafana's link (the LLM's runbook is not trusted).
    const live = [...all.matchAll(/https?:\/\/[^\s)]+/g)].map((m) => m[0]);
    expect(live.every((url) => url.startsWith("http://grafana.local:3000/"))).toBe(true);
    expect(discordErrors(message)).toBeNull();
  });
});

describe("Discord safe text", () => {
  it("escapes Markdown and breaks mentions, links and invites", () => {
    expect(discordText("**bold** [x](https://a.b) @here discord.gg/abc")).toBe(
      `\\*\\*bold\\*\\* \\[x\\]\\(https:${ZWSP}//a.b\\) @${ZWSP}here discord${ZWSP}.gg/abc`,
    );
    expect(discordText("a\u202eb\x07c")).toBe("a b c");
  });

  it("keeps identifiers in a code span the text cannot close", () => {
    expect(discordCode("a`b")).toBe("`aˋb`");
    expect(discordCode("x".repeat(300), 20)).toHaveLength(20);
  });
});
