/**
 * The Discord digest links to the incident list at `publicUrl` when it is set (configured through the same
 * factory serve uses), and tells how to list incidents otherwise.
 */
import { afterEach, describe, expect, it } from "vitest";
import { discordSettings, dispatchSection, githubSettings } from "../src/config/dispatch-section.js";
import { silentLogger } from "../src/log.js";
import { createSinksFromConfig } from "../src/sinks/routing.js";
import { makeDiagnosis, makeIncident } from "./helpers/dispatch-incident.js";
import { startFakeDiscord } from "./helpers/fake-discord.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function digestText(publicUrl: string | null): Promise<string> {
  const discord = await startFakeDiscord({ rateLimit: { requests: 1000, windowMs: 1000 } });
  cleanup.push(() => discord.close());
  const github = { token: null, repository: null, apiUrl: "https://api.github.com" };
  const dispatch = dispatchSection.parse({ digest: { threshold: 1, window: "1h" } });
  const [sink] = createSinksFromConfig(
    {
      dispatch,
      github: githubSettings(github, dispatch, 0),
      discord: discordSettings(discord.webhookUrl, dispatch),
      publicUrl,
    },
    { log: silentLogger(), now: Date.now },
  );
  // Past the threshold of one, the second medium incident is folded; flush sends the digest.
  for (const id of ["1", "2"]) {
    const incident = makeIncident({
      id,
      severity: "medium",
      diagnosis: makeDiagnosis({ severity: "medium" }),
    });
    expect(await sink!.send(incident, "opened")).toMatchObject({ ok: true });
  }
  await sink!.flush?.();
  const digest = [...discord.messages.values()].find((m) => m.message.embeds[0]?.title?.includes("Digest"));
  return JSON.stringify(digest?.message.embeds[0]?.description ?? "no digest posted");
}

describe("the Discord digest's link to the incident list", () => {
  it("points at publicUrl's incident list when publicUrl is set", async () => {
    expect(await digestText("https://monitor.example.com/ai")).toContain(
      "[All incidents](https://monitor.example.com/ai/)",
    );
  });

  it("says how to list incidents when there is no public address", async () => {
    const text = await digestText(null);
    expect(text).not.toContain("All incidents");
    expect(text).toContain("ai-monitor incidents");
  });
});
