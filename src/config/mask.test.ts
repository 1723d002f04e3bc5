import { describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { maskedConfig, maskUrl } from "./mask.js";

describe("config check's publicUrl", () => {
  it("masks credentials written into publicUrl, keeping the address readable", () => {
    const { config } = loadConfig({
      env: { AI_MONITOR_PUBLIC_URL: "http://user:SECRETPW@monitor.example:8080/ai" },
    });
    const masked = maskedConfig(config);
    expect(JSON.stringify(masked)).not.toMatch(/SECRET|user:/);
    expect(masked.publicUrl).toBe("http://***:***@monitor.example:8080/ai");
  });

  it("masks a lone user name too (it is often the token), and prints a plain URL unchanged", () => {
    const alone = loadConfig({ env: { AI_MONITOR_PUBLIC_URL: "https://SECRETTOKEN@monitor.example" } });
    expect(maskedConfig(alone.config).publicUrl).toBe("https://***@monitor.example");
    const plain = loadConfig({ env: { AI_MONITOR_PUBLIC_URL: "https://monitor.example/ai" } });
    expect(maskedConfig(plain.config).publicUrl).toBe("https://monitor.example/ai");
  });

  it("keeps the database user name visible (it says which account is used)", () => {
    expect(maskUrl("postgres://app:pw@db:5432/ai")).toBe("postgres://app:***@db:5432/ai");
  });
});
