/**
 * GitHub issues follow the incident's life, through the real pipeline and outbox against the fake GitHub: a
 * resolution comments and closes the issue, a recurrence reopens it (never a second issue), a human's "not
 * planned" stands, and a process killed mid-resolution posts its comment once after the restart.
 */
import { afterEach, describe, expect, it } from "vitest";
import { signal, world } from "./helpers/dispatch-world.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const WINDOW_PASSED = 6 * 60_000;
const bodies = (w: Awaited<ReturnType<typeof world>>, n = 1) =>
  (w.github.comments.get(n) ?? []).map((c) => c.body ?? "");

/** A world with one process whose AI_003 incident has filed issue #1. */
async function withIssue() {
  const w = await world(cleanup);
  const p = await w.startProcess("host:1:a");
  const fire = async () => {
    await p.intake.ingest([signal("AI_003", "server::domain::ai::service", w.clock())]);
    await w.settle(p);
    return (await p.store.listIncidents({ limit: 1 }))[0]!;
  };
  const first = await fire();
  expect(w.github.issues).toHaveLength(1);
  return { w, p, fire, first };
}

describe("GitHub issue lifecycle", () => {
  it("on resolution comments (when, how long, how often) and closes the issue as completed", async () => {
    const { w, p, first } = await withIssue();
    await p.intake.resolve(first.fingerprint, w.clock());
    await w.settle(p);

    const [resolved] = bodies(w);
    expect(bodies(w)).toHaveLength(1);
    expect(resolved).toMatch(
      /\*\*Resolved\*\* at \S+: incident `\d+` .* fired for \*\*[^*]+\*\* with \*\*1\*\*/,
    );
    expect(resolved).toContain("Closing this issue");
    expect(w.github.issues[0]).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(w.github.stateChanges).toEqual([
      { issue: 1, change: "closed", reason: "completed", by: "ai-monitor[bot]" },
    ]);
    const record = (await p.store.getIncident(first.id))?.deliveries.find(
      (d) => d.sink === "github:resolved",
    );
    expect(record).toMatchObject({ state: "sent", remoteRef: "https://github.example/acme/server/issues/1" });
  });

  it("on recurrence after the close reopens the issue with a comment instead of filing a second", async () => {
    const { w, p, fire, first } = await withIssue();
    await p.intake.resolve(first.fingerprint, w.clock());
    await w.settle(p);
    w.advance(WINDOW_PASSED);

    const again = await fire();
    expect(again.id).not.toBe(first.id);
    expect(w.github.issues).toHaveLength(1);
    expect(w.github.issues[0]).toMatchObject({ state: "open", state_reason: "reopened" });
    expect(bodies(w)).toHaveLength(2);
    expect(bodies(w)[1]).toContain(`**Recurred** at `);
    expect(bodies(w)[1]).toContain(`incident \`${again.id}\` with **1** occurrence(s)`);
    expect(bodies(w)[1]).toContain("reopening it");
    const link = (await p.store.getIncident(again.id))?.deliveries.find((d) => d.sink === "github");
    expect(link?.remoteRef).toBe("https://github.example/acme/server/issues/1");

    // And it resolves again: a second resolution comment, closed again.
    await p.intake.resolve(first.fingerprint, w.clock());
    await w.settle(p);
    expect(bodies(w).filter((b) => b.includes("**Resolved**"))).toHaveLength(2);
    expect(w.github.stateChanges.map((c) => c.change)).toEqual(["closed", "reopened", "closed"]);
  });

  it("reopens the issue when the resolved incident fires again inside its window", async () => {
    const { w, p, first } = await withIssue();
    await p.intake.resolve(first.fingerprint, w.clock());
    await w.settle(p);
    expect(w.github.issues[0]?.state).toBe("closed");

    const back = signal("AI_003", "server::domain::ai::service", first.lastSeen + 1000);
    expect(await p.intake.ingest([back])).toEqual([{ kind: "duplicate", incidentId: first.id }]);
    await w.settle(p);
    expect(w.github.issues).toHaveLength(1);
    expect(w.github.issues[0]).toMatchObject({ state: "open", state_reason: "reopened" });
    expect(bodies(w)[1]).toContain(`**Firing again** at `);
    expect(bodies(w)[1]).toContain("now with **2** occurrence(s)");
  });

  it("leaves alone an issue a human closed: no resolution comment; not planned is never reopened", async () => {
    const { w, p, fire, first } = await withIssue();
    w.github.humanSetState(1, "closed", "not_planned");
    await p.intake.resolve(first.fingerprint, w.clock());
    await w.settle(p);
    expect(bodies(w)).toEqual([]);

    w.advance(WINDOW_PASSED);
    await fire();
    expect(w.github.issues).toHaveLength(1);
    expect(w.github.issues[0]).toMatchObject({ state: "closed", state_reason: "not_planned" });
    expect(bodies(w)).toHaveLength(1);
    expect(bodies(w)[0]).toContain("closed as not planned");
    expect(w.github.stateChanges).toEqual([
      { issue: 1, change: "closed", reason: "not_planned", by: "oncall-human" },
    ]);
  });

  it("a process killed while the resolution comment is being posted: after the restart, one comment, closed", async () => {
    const { w, p: a, first } = await withIssue();
    await a.intake.resolve(first.fingerprint, w.clock());
    const held = w.github.holdNextComment();
    const running = a.worker.drain().catch(() => "killed");
    await held.received; // GitHub stored the comment...
    a.kill(); // ...and the process died before the answer, so the outbox says "sending"
    held.release(false);
    await running;
    expect(bodies(w)).toHaveLength(1);
    expect(w.github.issues[0]?.state).toBe("open");

    w.advance(31_000); // A's lease expires
    const b = await w.startProcess("host:2:b");
    await w.settle(b);
    expect(bodies(w)).toHaveLength(1); // found by its marker, not posted again
    expect(w.github.issues[0]).toMatchObject({ state: "closed", state_reason: "completed" });
    const record = (await b.store.getIncident(first.id))?.deliveries.find(
      (d) => d.sink === "github:resolved",
    );
    expect(record?.state).toBe("sent");
    expect(w.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"))).toHaveLength(
      1,
    );
  });
});
