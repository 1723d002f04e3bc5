/**
 * 👍/👎 reactions on the GitHub issues ai-monitor opened count as verdicts: issues filed by the real GitHub sink
 * through the pipeline, reactions given on the fake GitHub (typed with @octokit/openapi-types), read by the
 * poller with the sink's Octokit client, and counted by `ai-monitor report` beside the page's verdicts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { silentLogger } from "../src/log.js";
import { collectReport } from "../src/report/collect.js";
import { formatReport } from "../src/report/format.js";
import { reactionPollerFromConfig } from "../src/sinks/github/reaction-wiring.js";
import { signal, world } from "./helpers/dispatch-world.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup() {
  const w = await world(cleanup);
  const p = await w.startProcess("host:1:a");
  for (const code of ["AI_003", "DB_001"]) {
    await p.intake.ingest([signal(code, `server::${code.toLowerCase()}`, w.clock())]);
  }
  await w.settle(p);
  expect(w.github.issues).toHaveLength(2);
  const incidents = await p.store.listIncidents({ limit: 10 });
  const config = configSchema.parse({
    sinks: { github: { token: w.github.token, repository: w.github.repository, apiUrl: w.github.apiUrl } },
  });
  const poller = reactionPollerFromConfig(config, { store: p.store, log: silentLogger(), now: w.clock });
  if (!poller) throw new Error("expected a poller");
  const issueOf = (id: string) =>
    w.github.issues.find((i) => i.body?.includes(`ai-monitor:incident=${id} `))!;
  return { w, p, poller, incidents, issueOf };
}

const reviewers = (feedback: { reviewer: string; verdict: string }[]) =>
  Object.fromEntries(feedback.map((f) => [f.reviewer, f.verdict]));

describe("GitHub reactions as verdicts", () => {
  it("reads 👍 as correct and 👎 as wrong per GitHub user; other reactions and bots say nothing", async () => {
    const { w, p, poller, incidents, issueOf } = await setup();
    const target = incidents[0]!;
    const n = issueOf(target.id).number;
    w.github.humanReact(n, "ana", "+1");
    w.github.humanReact(n, "bo", "-1");
    w.github.humanReact(n, "cy", "laugh");
    w.github.humanReact(n, "renovate[bot]", "+1", { type: "Bot" });

    await poller.pollOnce();
    const stored = await p.store.listDiagnosisFeedback({});
    expect(reviewers(stored)).toEqual({ "github:ana": "correct", "github:bo": "wrong" });
    expect(stored.every((f) => f.incidentId === target.id && f.note === null)).toBe(true);
    // Reactions are read only where the issue's counts show a 👍 or 👎.
    const reads = w.github.requests.filter((r) => r.path.includes("/reactions")).map((r) => r.path);
    expect(reads).toEqual([expect.stringContaining(`/issues/${n}/reactions`)]);
  });

  it("follows a change of mind, and polling again adds nothing twice", async () => {
    const { w, p, poller, incidents, issueOf } = await setup();
    const n = issueOf(incidents[1]!.id).number;
    w.github.humanReact(n, "bo", "-1", { at: new Date(Date.now() - 60_000) });
    await poller.pollOnce();
    w.github.humanUnreact(n, "bo", "-1");
    w.github.humanReact(n, "bo", "+1");
    await poller.pollOnce();
    await poller.pollOnce();
    expect(reviewers(await p.store.listDiagnosisFeedback({}))).toEqual({ "github:bo": "correct" });
  });

  it("ignores issues it did not open for an incident of this database", async () => {
    const { w, p, poller } = await setup();
    const res = await fetch(`${w.github.apiUrl}/repos/${w.github.repository}/issues`, {
      method: "POST",
      headers: { authorization: `token ${w.github.token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "x", body: "<!-- ai-monitor:incident=999 -->", labels: ["ai-monitor"] }),
    });
    const other = (await res.json()) as { number: number };
    w.github.humanReact(other.number, "ana", "+1");
    expect(await poller.pollOnce()).toEqual([]);
    expect(await p.store.listDiagnosisFeedback({})).toEqual([]);
  });

  it("is counted by ai-monitor report beside verdicts from the page", async () => {
    const { w, p, poller, incidents, issueOf } = await setup();
    const [first, second] = incidents;
    w.github.humanReact(issueOf(first!.id).number, "ana", "+1");
    w.github.humanReact(issueOf(second!.id).number, "ana", "-1");
    await poller.pollOnce();
    await p.store.saveDiagnosisFeedback({
      incidentId: first!.id,
      reviewer: "oncall",
      verdict: "correct",
      note: "from the page",
      at: w.clock(),
    });
    const report = await collectReport(p.store, { nowMs: w.clock() + 1, days: 30, budgetUsd: null });
    expect(report.accuracy).toMatchObject({
      reviewed: 2,
      accuracy: 0.5,
      verdicts: { correct: 2, partial: 0, wrong: 1 },
      verdictSources: { people: 1, githubReactions: 2 },
    });
    expect(formatReport(report)).toContain(
      "verdicts given: 1 on the page, the API or the CLI, 2 as 👍/👎 reactions on GitHub issues",
    );
  });
});
