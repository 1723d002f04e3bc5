import { describe, expect, it } from "vitest";
import { LOCK_NS, lockKey, orderedLockKeys } from "./lock-keys.js";

describe("lock keys", () => {
  it("are stable signed 32-bit integers", () => {
    for (const name of ["DB_TIMEOUT:app::db", "", "é\0x", "a".repeat(10_000)]) {
      const key = lockKey(name);
      expect(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31).toBe(true);
      expect(lockKey(name)).toBe(key);
    }
    expect(lockKey("A:x")).not.toBe(lockKey("B:x"));
  });

  it("come out distinct and ascending whatever the batch order, so replicas lock in one order", () => {
    const names = ["C:x", "A:x", "B:x", "A:x"];
    const keys = orderedLockKeys(names);
    expect(keys).toHaveLength(3);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(orderedLockKeys([...names].reverse())).toEqual(keys);
  });

  it("keep the namespaces apart and inside int4", () => {
    const spaces = Object.values(LOCK_NS);
    expect(new Set(spaces).size).toBe(spaces.length);
    for (const ns of spaces) expect(ns).toBeLessThan(2 ** 31);
  });
});
