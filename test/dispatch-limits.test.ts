/**
 * Property-style tests: random long, multilingual and emoji-heavy incidents and diagnoses never produce a
 * Discord payload the fake Discord (which counts like Discord, in code points) would refuse, and never let a
 * mention or a link from the text through. A seeded PRNG makes every failure reproducible.
 */
import { describe, expect, it } from "vitest";
import type { Delivery } from "../src/domain/types.js";
import { type DiscordEmbed, fitDiscordMessage } from "../src/sinks/discord/limits.js";
import { buildDiscordMessage } from "../src/sinks/discord/payload.js";
import { grafanaExploreLink } from "../src/sinks/grafana-explore.js";
import { codePointLength } from "../src/sinks/truncate.js";
import { makeDiagnosis, makeIncident, prng } from "./helpers/dispatch-incident.js";
import { discordErrors } from "./helpers/fake-discord.js";

const PIECES = [
  "abc ",
  "timeout ",
  "한국어 오류 ",
  "데이터베이스 연결 실패 ",
  "接続がタイムアウトしました ",
  "错误 ",
  "ошибка ",
  "خطأ في الاتصال ",
  "😀",
  "🔥🔥",
  "👩‍👩‍👧‍👦",
  "🇰🇷",
  "e\u0301",
  "\u202eevil",
  "@everyone ",
  "@here ",
  "<@&123456789> ",
  "<@42> ",
  "https://evil.example/x ",
  "[click](https://evil.example) ",
  "```",
  "`",
  "**",
  "||spoiler|| ",
  "\n",
  "\t",
  "\\",
  "discord.gg/invite ",
  "# heading\n",
  "> quote\n",
];

function text(random: () => number, maxPieces: number): string {
  const n = Math.floor(random() ** 2 * maxPieces);
  let out = "";
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

function randomIncident(random: () => number) {
  const deliveries: Delivery[] =
    random() < 0.5
      ? [
          {
            sink: "github",
            state: "sent",
            attempts: 1,
            remoteRef: "https://github.com/acme/server/issues/99",
            lastError: null,
            updatedAt: 0,
          },
        ]
      : [];
  return makeIncident({
    id: String(Math.floor(random() * 1e6)),
    message: text(random, 3000),
    target: text(random, 200) || "t",
    errorCode: random() < 0.2 ? null : text(random, 40) || "E_1",
    fingerprint: text(random, 300),
    requestId: random() < 0.3 ? null : text(random, 100),
    filename: random() < 0.5 ? null : text(random, 100),
    count: Math.floor(random() * 1e9),
    status: random() < 0.3 ? "resolved" : "open",
    resolvedAt: Date.parse("2026-11-26T10:00:00Z"),
    deliveries,
    diagnosis:
      random() < 0.1
        ? null
        : makeDiagnosis({
            title: text(random, 200),
            rootCause: text(random, 3000),
            impact: text(random, 2000),
            recommendation: Array.from({ length: Math.floor(random() * 30) }, () => text(random, 200)),
            skippedReason: random() < 0.3 ? text(random, 200) : null,
            by: text(random, 20) || "claude",
            costUsd: random() * 10,
          }),
  });
}

const explore = grafanaExploreLink({
  url: "http://grafana.local:3000",
  lokiDatasourceUid: "loki",
  selector: '{app="server"}',
  orgId: 1,
});

function allTexts(embed: DiscordEmbed): string[] {
  return [
    embed.title,
    embed.description,
    embed.footer?.text,
    ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
  ].filter((t): t is string => typeof t === "string");
}

describe("Discord limits (property-style, seeded)", () => {
  it("no random incident produces a payload Discord would refuse", () => {
    const random = prng(20261126);
    let largest = 0;
    for (let i = 0; i < 400; i++) {
      const incident = randomIncident(random);
      const message = buildDiscordMessage(incident, { exploreUrl: explore(incident) });
      const verdict = discordErrors(message);
      if (verdict) throw new Error(`case ${i}: Discord would answer 400 ${JSON.stringify(verdict)}`);
      const [embed] = message.embeds;
      expect(embed, `case ${i}`).toBeDefined();
      const total = allTexts(embed!).reduce((sum, t) => sum + codePointLength(t), 0);
      expect(total).toBeLessThanOrEqual(6000);
      expect(message.allowed_mentions).toEqual({ parse: [] });
      largest = Math.max(largest, total);
    }
    expect(largest).toBeGreaterThan(5900); // the generator does push payloads to the limit
  });

  it("no random text leaves a live mention or link from the log", () => {
    const random = prng(7);
    for (let i = 0; i < 300; i++) {
      const incident = randomIncident(random);
      const joined = allTexts(buildDiscordMessage(incident, { exploreUrl: null }).embeds[0]!).join("\n");
      expect(joined, `case ${i}`).not.toMatch(/@(everyone|here)|<@[&!]?\d+>|https?:\/\/evil|discord\.gg/);
    }
  });

  it("the fitter makes any message valid: too many embeds, fields and code points", () => {
    const random = prng(99);
    for (let i = 0; i < 200; i++) {
      const embeds: DiscordEmbed[] = Array.from({ length: 1 + Math.floor(random() * 14) }, () => ({
        title: text(random, 200),
        description: text(random, 4000),
        footer: random() < 0.5 ? { text: text(random, 1500) } : undefined,
        author: random() < 0.3 ? { name: text(random, 300) } : undefined,
        fields: Array.from({ length: Math.floor(random() * 40) }, () => ({
          name: text(random, 200) || "n",
          value: text(random, 800) || "v",
        })),
      }));
      const fitted = fitDiscordMessage({
        content: text(random, 1500),
        username: text(random, 50) || "u",
        embeds,
        allowed_mentions: { parse: [] },
      });
      const verdict = discordErrors(fitted);
      if (verdict) throw new Error(`case ${i}: Discord would answer 400 ${JSON.stringify(verdict)}`);
      expect(fitted.embeds.length).toBeGreaterThan(0);
    }
  });
});
