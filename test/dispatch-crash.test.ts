/**
 * SIGKILL mid-delivery, then a new process on the same SQLite file: nothing is lost and nothing is sent twice.
 * The sinks are wired in-process (main.ts does not wire them yet); a killed process is one whose every further
 * write (store, network) is refused, while the fakes go on exactly as the real services would.
 */
import { afterEach, describe, expect, it } from "vitest";
import { signal, world } from "./helpers/dispatch-world.js";

const cleanup: Array<() => Promise<unknown>> = [];

/** Poll an async condition every 10 ms (at most 2 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("dispatch through the outbox after a kill", () => {
  it("a worker killed while Discord and GitHub are answering, then a new one: nothing lost, nothing twice", async () => {
    const w = await world(cleanup);
    const a = await w.startProcess("host:1:a");
    await a.intake.ingest([signal("AI_003", "server::crash", w.clock())]);
    const post = w.discord.holdNextPost();
    const create = w.github.holdNextCreate();
    const running = a.worker.drain().catch(() => "killed");
    await Promise.all([post.received, create.received]);
    a.kill(); // SIGKILL: from here on, process A writes nothing
    post.release(false); // Discord never processed the post
    create.release(false); // GitHub created the issue, the answer was lost with the process
    expect(await running).toBe("killed");
    expect([w.discord.messages.size, w.github.issues.length]).toEqual([0, 1]);

    w.advance(31_000); // A's lease expires
    const b = await w.startProcess("host:2:b");
    await w.settle(b);
    expect(w.discord.messages.size).toBe(1);
    expect(w.github.issues).toHaveLength(1); // found by its marker, not filed again
    expect(w.github.comments.size).toBe(0);
    const [message] = [...w.discord.messages.values()];
    expect(JSON.stringify(message?.message.embeds)).toContain("GitHub issue #1");
  });

  it("a worker killed after the alert was recorded, while the issue is being filed, repeats neither", async () => {
    const w = await world(cleanup);
    const a = await w.startProcess("host:1:a");
    await a.intake.ingest([signal("DB_001", "server::infra::db", w.clock())]);
    const create = w.github.holdNextCreate();
    const running = a.worker.drain().catch(() => "killed");
    await create.received;
    const [incident] = await a.store.listIncidents({ limit: 1 });
    await until(async () => {
      const discord = (await a.store.getIncident(incident!.id))?.deliveries.find((d) => d.sink === "discord");
      return discord?.state === "sent";
    });
    a.kill();
    create.release(true); // GitHub answers a process that is gone
    expect(await running).toBe("killed");

    w.advance(31_000);
    const b = await w.startProcess("host:2:b");
    await w.settle(b);
    expect(w.discord.messages.size).toBe(1);
    expect(w.github.issues).toHaveLength(1);
    const [message] = [...w.discord.messages.values()];
    expect(message?.versions).toHaveLength(2); // the alert, then the edit with the issue link
    expect(JSON.stringify(message?.versions[1])).toContain("GitHub issue #1");
  });

  it("after the restart, a lookup that fails sends nothing blind: it waits until GitHub can be asked", async () => {
    const w = await world(cleanup);
    const a = await w.startProcess("host:1:a");
    await a.intake.ingest([signal("AI_001", "server::ai::auth", w.clock())]);
    const create = w.github.holdNextCreate();
    const running = a.worker.drain().catch(() => "killed");
    await create.received;
    a.kill();
    create.release(false);
    await running;

    w.advance(31_000);
    const b = await w.startProcess("host:2:b");
    for (let i = 0; i < 3; i++) w.github.failNext({ status: 500, method: "GET" }); // the list and its 2 retries
    await b.worker.drain();
    const [incident] = await b.store.listIncidents({ limit: 1 });
    expect(incident?.deliveries.find((d) => d.sink === "github")).toMatchObject({
      state: "sending",
      lastError: expect.stringContaining("lookup failed"),
    });
    expect(w.github.issues).toHaveLength(1);

    await w.settle(b);
    expect(w.github.issues).toHaveLength(1);
    expect(
      (await b.store.getIncident(incident!.id))?.deliveries.find((d) => d.sink === "github"),
    ).toMatchObject({
      state: "sent",
      remoteRef: "https://github.example/acme/server/issues/1",
    });
  });
});
