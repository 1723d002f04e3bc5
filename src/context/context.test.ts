import { describe, expect, it } from "vitest";
import type { Incident } from "../domain/types.js";
import { silentLogger } from "../log.js";
import { type ContextProvider, createContextGatherer } from "./context.js";

const incident = { id: "1", fingerprint: "AI_003:server::x" } as Incident;
const log = silentLogger();

const provider = (name: string, gather: ContextProvider["gather"]): ContextProvider => ({ name, gather });

describe("context gatherer", () => {
  it("an empty provider list gives an empty, complete bundle", async () => {
    const bundle = await createContextGatherer({ providers: [], timeoutMs: 100, log }).gather(incident);
    expect(bundle).toMatchObject({ items: [], partial: [] });
  });

  it("merges items in priority order and collects each provider's partial reasons", async () => {
    const gatherer = createContextGatherer({
      providers: [
        provider("git", async () => [{ id: "git:repo", kind: "git", title: "commits", text: "abc fix" }]),
        provider("logs", async () => ({
          items: [{ id: "logs:error", kind: "logs", title: "the error", text: "{}" }],
          partial: ["logs: the error has no request_id"],
        })),
      ],
      timeoutMs: 1000,
      log,
    });
    const bundle = await gatherer.gather(incident);
    expect(bundle.items.map((i) => i.id)).toEqual(["logs:error", "git:repo"]);
    expect(bundle.partial).toEqual(["logs: the error has no request_id"]);
  });

  it("a failing provider becomes a partial reason, not an error", async () => {
    const gatherer = createContextGatherer({
      providers: [
        provider("loki:request", async () => {
          throw new Error("HTTP 502");
        }),
        provider("incident", async () => [{ id: "logs:error", kind: "logs", title: "e", text: "x" }]),
      ],
      timeoutMs: 1000,
      log,
    });
    const bundle = await gatherer.gather(incident);
    expect(bundle.partial).toEqual(["loki:request: HTTP 502"]);
    expect(bundle.items).toHaveLength(1);
  });

  it("does not wait for a provider that ignores the abort signal", async () => {
    let sawAbort = false;
    const gatherer = createContextGatherer({
      providers: [
        provider("stuck", (_, signal) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
          });
          return new Promise(() => {});
        }),
        provider("incident", async () => [{ id: "logs:error", kind: "logs", title: "e", text: "x" }]),
      ],
      timeoutMs: 50,
      log,
    });
    const bundle = await gatherer.gather(incident);
    expect(bundle.partial).toEqual(["stuck: no answer within 50ms (context timeout)"]);
    expect(bundle.items.map((i) => i.id)).toEqual(["logs:error"]);
    expect(sawAbort).toBe(true);
  });

  it("redacts every item (log lines as JSON, other text as text) and counts by kind", async () => {
    const gatherer = createContextGatherer({
      providers: [
        provider("p", async () => [
          {
            id: "logs:request",
            kind: "logs",
            title: "trail",
            text: '{"fields":{"password":"pw1","message":"x"}}\nnot json Bearer abc',
          },
          {
            id: "git:repo",
            kind: "git",
            title: "commits",
            text: "abc docs: token ghp_abcdefghijklmnopqrstuvwxyz0123",
          },
        ]),
        provider("q", async () => {
          throw new Error("cannot reach https://u:pw2@loki.example");
        }),
      ],
      timeoutMs: 1000,
      log,
    });
    const bundle = await gatherer.gather(incident);
    const text = JSON.stringify(bundle);
    for (const secret of ["pw1", "pw2", 'abc"', "ghp_"]) expect(text).not.toContain(secret);
    expect(bundle.items[0]!.text).toBe(
      '{"fields":{"password":"[REDACTED:sensitive-field]","message":"x"}}\nnot json Bearer [REDACTED:bearer]',
    );
    expect(bundle.redactions).toEqual({
      "sensitive-field": 1,
      bearer: 1,
      "github-token": 1,
      "url-credentials": 1,
    });
  });

  it("fits the budget and reports the estimate", async () => {
    const long = Array.from({ length: 500 }, (_, i) => `{"n":${i}}`).join("\n");
    const gatherer = createContextGatherer({
      providers: [
        provider("p", async () => [{ id: "logs:occurrences", kind: "logs", title: "o", text: long }]),
      ],
      timeoutMs: 1000,
      log,
      budgetTokens: 600,
    });
    const bundle = await gatherer.gather(incident);
    expect(bundle.tokens.budget).toBe(600);
    expect(bundle.tokens.estimated).toBeLessThanOrEqual(600);
    expect(bundle.items[0]!.text).toMatch(/\[\.\.\. \d+ lines omitted\]$/);
    expect(bundle.partial).toEqual([
      expect.stringMatching(/^budget: logs:occurrences cut, \d+ lines omitted$/),
    ]);
  });
});
