import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { silentLogger } from "../log.js";
import { createContextProviders, resolveContextSettings } from "./create-gatherer.js";

const log = silentLogger();

describe("resolveContextSettings", () => {
  it("applies the section defaults when the configuration writes no context section", () => {
    const config = configSchema.parse({ loki: { url: "http://loki:3100" }, repoPath: "/src/server" });
    const settings = resolveContextSettings(config);
    expect(settings.loki).toMatchObject({
      url: "http://loki:3100",
      timeout: 5000,
      selector: '{job="server"}',
    });
    expect(settings.context).toMatchObject({ budgetTokens: 6000, timeout: 10_000 });
    expect(settings).toMatchObject({
      repoPath: "/src/server",
      watchPaths: ["./logs/*.log"],
      maxLineBytes: 1048576,
    });
  });

  it("reads the loki.* extras and the context.* keys", () => {
    const settings = resolveContextSettings(
      configSchema.parse({
        loki: { url: "https://logs.example", tenant: "t1", bearerToken: "tok", timeout: 2000 },
        repoPath: null,
        watch: { paths: [], maxLineBytes: 1024 },
        context: { budgetTokens: 3000, sourceMap: { server: "codes/server/src" } },
      }),
    );
    expect(settings.loki).toMatchObject({ tenant: "t1", bearerToken: "tok", timeout: 2000 });
    expect(settings.context).toMatchObject({ budgetTokens: 3000, sourceMap: { server: "codes/server/src" } });
  });
});

describe("createContextProviders", () => {
  const names = (config: Parameters<typeof resolveContextSettings>[0]) =>
    createContextProviders(resolveContextSettings(config), { log }).map((p) => p.name);

  it("Loki when loki.url is set, the tailed files otherwise; the repository when repoPath is set", () => {
    expect(names(configSchema.parse({ loki: { url: "http://loki:3100" }, repoPath: "/r" }))).toEqual([
      "incident",
      "loki:request",
      "loki:occurrences",
      "repo",
    ]);
    expect(names(configSchema.parse({}))).toEqual(["incident", "files", "repo"]);
  });

  it("without a repository the repo provider only says why", async () => {
    const [, , repo] = createContextProviders(resolveContextSettings(configSchema.parse({})), { log });
    expect(await repo!.gather({} as never, new AbortController().signal)).toEqual({
      items: [],
      partial: [expect.stringContaining("repo: skipped: no repository configured")],
    });
  });
});
