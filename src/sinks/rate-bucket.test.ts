import { describe, expect, it } from "vitest";
import { createRateBucket, type RateAnswer, type Slot } from "./rate-bucket.js";

/** A bucket on a fake clock whose timers fire when the test advances time. */
function fakeBucket() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const bucket = createRateBucket({
    now: () => now,
    setTimer: (fn, ms) => void timers.push({ at: now + ms, fn }),
  });
  const advance = async (ms: number) => {
    now += ms;
    for (const t of timers.splice(0).filter((x) => x.at <= now || !timers.push(x))) t.fn();
    await Promise.resolve();
  };
  return { bucket, advance };
}

/** Acquire and record the order in which slots are granted. */
function recorder(bucket: ReturnType<typeof createRateBucket>) {
  const granted: string[] = [];
  const slots = new Map<string, Slot>();
  const take = (name: string, priority = 3, maxWaitMs = 60_000) =>
    bucket.acquire(priority, maxWaitMs).then((slot) => {
      granted.push(slot.ok ? name : `${name}:refused`);
      slots.set(name, slot);
      return slot;
    });
  const answer = (name: string, lesson: RateAnswer | null) => {
    const slot = slots.get(name);
    if (slot?.ok) slot.settle(lesson);
  };
  return { granted, take, answer };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const window = (remaining: number, resetAfterMs = 2000): RateAnswer => ({
  limit: 5,
  remaining,
  resetAfterMs,
});

describe("rate bucket", () => {
  it("sends one request at a time until an answer tells the limit, then uses what remains", async () => {
    const { bucket } = fakeBucket();
    const r = recorder(bucket);
    for (const name of ["a", "b", "c", "d"]) void r.take(name);
    await tick();
    expect(r.granted).toEqual(["a"]);
    r.answer("a", window(4));
    await tick();
    expect(r.granted).toEqual(["a", "b", "c", "d"]);
  });

  it("waits for the window to reset once nothing remains, then refills to the limit", async () => {
    const { bucket, advance } = fakeBucket();
    const r = recorder(bucket);
    await r.take("a");
    r.answer("a", window(0, 2000));
    for (const name of ["b", "c"]) void r.take(name);
    await tick();
    expect(r.granted).toEqual(["a"]);
    await advance(1999);
    await tick();
    expect(r.granted).toEqual(["a"]);
    await advance(1);
    await tick();
    expect(r.granted).toEqual(["a", "b", "c"]);
  });

  it("counts requests still in flight against what an answer reports", async () => {
    const { bucket } = fakeBucket();
    const r = recorder(bucket);
    await r.take("a");
    r.answer("a", window(4));
    for (const name of ["b", "c", "d"]) await r.take(name);
    // b's answer says 3 remain, but c and d are in flight: only one more may go before they answer.
    r.answer("b", window(3));
    void r.take("e");
    void r.take("f");
    await tick();
    expect(r.granted).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("stops every sender for a 429's retry_after (global or not), then goes on", async () => {
    const { bucket, advance } = fakeBucket();
    const r = recorder(bucket);
    await r.take("a");
    r.answer("a", { ...window(0, 300), retryAfterMs: 1500 });
    void r.take("b");
    await advance(1000);
    await tick();
    expect(r.granted).toEqual(["a"]);
    await advance(500);
    await tick();
    expect(r.granted).toEqual(["a", "b"]);
  });

  it("serves the most urgent waiter first, then in arrival order", async () => {
    const { bucket, advance } = fakeBucket();
    const r = recorder(bucket);
    await r.take("first");
    r.answer("first", window(0, 1000));
    void r.take("low", 3);
    void r.take("medium", 2);
    void r.take("critical", 0);
    void r.take("medium2", 2);
    await advance(1000);
    await tick();
    expect(r.granted).toEqual(["first", "critical", "medium", "medium2", "low"]);
  });

  it("hands back at once a wait longer than the caller may hold, with how long it is", async () => {
    const { bucket } = fakeBucket();
    const r = recorder(bucket);
    await r.take("a");
    r.answer("a", { ...window(0, 2000), retryAfterMs: 2000 });
    const refused = await bucket.acquire(0, 500);
    expect(refused).toEqual({ ok: false, retryAfterMs: 2000 });
  });

  it("does not lose the slot of a request that got no answer", async () => {
    const { bucket } = fakeBucket();
    const r = recorder(bucket);
    await r.take("a");
    void r.take("b");
    await tick();
    r.answer("a", null);
    await tick();
    expect(r.granted).toEqual(["a", "b"]);
  });
});
