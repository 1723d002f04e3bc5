/**
 * The outbox with the real Discord and GitHub sinks against the fakes, on a real SQLite file: half of Discord's
 * answers are 500 or 429 and every incident still arrives exactly once; the alert is edited with the issue link
 * and on resolution, or with the reason a draft PR was not opened.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Sink } from "../src/sinks/sink.js";
import { signal, world } from "./helpers/dispatch-world.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("dispatch through the outbox", () => {
  it("with half of Discord's answers 500 or 429, every incident arrives exactly once", async () => {
    const w = await world(cleanup, { failRate: 0.5 });
    const p = await w.startProcess("host:1:a");
    const t = w.clock();
    const signals = [
      ...Array.from({ length: 12 }, (_, i) => signal("AI_003", `server::high${i}`, t)),
      ...Array.from({ length: 8 }, (_, i) => signal("AI_002", `server::medium${i}`, t)),
    ];
    await p.intake.ingest(signals);
    for (let i = 0; i < 3; i++) w.github.failNext({ status: 502, method: "POST" });
    await w.settle(p);

    const incidents = await p.store.listIncidents({ limit: 50 });
    expect(incidents).toHaveLength(20);
    expect(w.discord.messages.size).toBe(20);
    for (const incident of incidents) {
      const messages = w.messagesOf(incident.id);
      expect(messages, `incident ${incident.id}`).toHaveLength(1);
      expect(incident.deliveries.find((d) => d.sink === "discord")).toMatchObject({
        state: "sent",
        remoteRef: messages[0]?.message.id,
      });
    }
    const high = incidents.filter((i) => i.severity === "high");
    expect(high).toHaveLength(12);
    expect(w.github.issues).toHaveLength(12); // one per fingerprint, despite the 502s
    for (const incident of high) {
      const ref = incident.deliveries.find((d) => d.sink === "github")?.remoteRef;
      expect(JSON.stringify(w.messagesOf(incident.id)[0]?.message.embeds)).toContain(ref);
    }
    const statuses = w.discord.requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(5);

    for (const incident of incidents.slice(0, 10)) await p.intake.resolve(incident.fingerprint, w.clock());
    await w.settle(p);
    expect(w.discord.messages.size).toBe(20); // resolutions edit, never repost
    const resolved = (await p.store.listIncidents({ limit: 50 })).filter((i) => i.status === "resolved");
    expect(resolved).toHaveLength(10);
    for (const incident of resolved)
      expect(w.messagesOf(incident.id)[0]?.message.embeds[0]?.title).toMatch(/^✅ RESOLVED/);
  }, 30_000);

  it("shows the alert, files the issue, edits the alert with its link, then with the resolution", async () => {
    const w = await world(cleanup);
    const p = await w.startProcess("host:1:a");
    await p.intake.ingest([signal("AI_003", "server::domain::ai::service", w.clock())]);
    await w.settle(p);
    const [incident] = await p.store.listIncidents({ limit: 1 });
    await p.intake.resolve(incident!.fingerprint, w.clock() + 1000);
    await w.settle(p);

    const [message] = w.messagesOf(incident!.id);
    const titles = message?.versions.map((v) => v.embeds?.[0]?.title);
    expect(titles).toEqual([
      "[AI_003] AI_003 happened in server::domain::ai::service",
      "[AI_003] AI_003 happened in server::domain::ai::service",
      "✅ RESOLVED · [AI_003] AI_003 happened in server::domain::ai::service",
    ]);
    expect(JSON.stringify(message?.versions[0])).not.toContain("GitHub issue");
    expect(JSON.stringify(message?.versions[1])).toContain(
      "[GitHub issue #1](https://github.example/acme/server/issues/1)",
    );
    expect(w.github.issues.map((i) => i.title)).toEqual([
      "[AI_003] AI_003 happened in server::domain::ai::service (server::domain::ai::service)",
    ]);
    const final = await p.store.getIncident(incident!.id);
    expect(final?.deliveries.map((d) => [d.sink, d.state])).toEqual([
      ["discord", "sent"],
      ["discord:resolved", "sent"],
      ["github", "sent"],
      ["github:resolved", "sent"],
    ]);
    expect(w.github.issues[0]).toMatchObject({ state: "closed", state_reason: "completed" });
  });

  it("past the hourly diagnosis limit, still sends the basic alert and says why", async () => {
    // An LLM stand-in: the limit applies to calls that cost; with 0 an hour it is never asked.
    const llm = {
      name: "llm-stand-in",
      diagnose: async () => {
        throw new Error("asked past the hourly limit");
      },
    };
    const w = await world(cleanup, { ratePerHour: 0, diagnoser: llm });
    const p = await w.startProcess("host:1:a");
    await p.intake.ingest([signal("AI_003", "server::limited", w.clock())]);
    await w.settle(p);
    const [message] = [...w.discord.messages.values()];
    expect(message?.message.embeds[0]?.description).toContain("the limit of 0 diagnoses per hour is reached");
    expect(w.github.issues[0]?.body).toContain("the limit of 0 diagnoses per hour is reached");
  });

  it("edits the alert with the reason when autofix fails for good, and only for incidents sent to autofix", async () => {
    const reason = "denied: the edit touches src/main.rs, outside the allowed files";
    const attempts: string[] = [];
    // An autofix stand-in: its PR link would be shown, but the policy refuses, which no retry changes.
    const autofix: Sink = {
      name: "autofix",
      providesLink: true,
      accepts: (incident, event) => event === "opened" && incident.target === "server::fixable",
      async send(incident) {
        attempts.push(incident.id);
        return { ok: false, retryable: false, error: reason };
      },
    };
    const w = await world(cleanup, { extraSinks: [autofix] });
    const p = await w.startProcess("host:1:a");
    await p.intake.ingest([
      signal("AI_002", "server::fixable", w.clock()),
      signal("AI_002", "server::other", w.clock()),
    ]);
    await w.settle(p);

    const incidents = await p.store.listIncidents({ limit: 10 });
    const fixable = incidents.find((i) => i.target === "server::fixable")!;
    const other = incidents.find((i) => i.target === "server::other")!;
    expect(attempts).toEqual([fixable.id]); // failed for good: tried once
    expect(fixable.deliveries.find((d) => d.sink === "autofix")).toMatchObject({
      state: "failed",
      lastError: reason,
    });

    const [alert] = w.messagesOf(fixable.id);
    expect(w.messagesOf(fixable.id)).toHaveLength(1); // edited, never reposted
    const patches = w.discord.requests.filter((r) => r.method === "PATCH" && r.status === 200);
    expect(patches.map((r) => r.path)).toEqual([expect.stringContaining(alert!.message.id)]);
    const autofixField = { name: "Auto-fix: not applied", value: reason };
    expect(alert?.versions[0]?.embeds?.[0]?.fields).not.toContainEqual(autofixField);
    expect(alert?.message.embeds[0]?.fields).toContainEqual(autofixField); // what the channel shows now

    const [plain] = w.messagesOf(other.id);
    expect(plain?.versions).toHaveLength(1);
    expect(JSON.stringify(plain?.versions)).not.toContain("Auto-fix");
  });
});
