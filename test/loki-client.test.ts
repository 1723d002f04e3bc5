import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createLokiClient, LokiError, lokiHeaders } from "../src/context/loki-client.js";
import { entriesFromLines, type FakeLoki, startFakeLoki } from "./helpers/fake-loki.js";

const FIXTURE = readFileSync("/work/shared/fixtures/loki/query_range-streams.json", "utf8");
const T = Date.parse("2026-11-26T09:14:32Z");
const params = { query: '{app="server"} |= "AI_003"', startMs: T - 3_600_000, endMs: T + 1000, limit: 10 };

/** A fetch that answers once with a fixed status and body. */
const answering =
  (status: number, body: string): typeof fetch =>
  async () =>
    new Response(body, { status, headers: { "content-type": "application/json" } });

let fake: FakeLoki | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("Loki client", () => {
  it("reads Loki 3.x's streams answer into one oldest-first timeline", async () => {
    const client = createLokiClient({
      url: "http://loki:3100",
      timeoutMs: 1000,
      fetch: answering(200, FIXTURE),
    });
    const entries = await client.queryRange({ ...params, direction: "backward" });
    expect(entries.map((e) => e.timestampNs)).toEqual(["1764148412118532000", "1764148472620117000"]);
    expect(entries[1]).toMatchObject({ timestampMs: 1764148472620, labels: { app: "server" } });
    expect(entries[1]!.line).toContain("req_7f3a1c");
  });

  it("sends the query with ns bounds, limit and direction, the tenant and basic auth", async () => {
    fake = await startFakeLoki();
    const client = createLokiClient({
      url: `${fake.url}/`,
      tenant: "team-a",
      username: "123456",
      password: "glc_token",
      timeoutMs: 1000,
    });
    await client.queryRange({ ...params, direction: "forward" });
    expect(fake.queries).toEqual([
      {
        query: params.query,
        start: `${params.startMs}000000`,
        end: `${params.endMs}000000`,
        limit: "10",
        direction: "forward",
        tenant: "team-a",
        authorization: `Basic ${Buffer.from("123456:glc_token").toString("base64")}`,
      },
    ]);
  });

  it("takes credentials from the URL and strips them from the request URL", async () => {
    fake = await startFakeLoki();
    const client = createLokiClient({ url: fake.url.replace("//", "//user%40x:p%3Ass@"), timeoutMs: 1000 });
    await client.queryRange({ ...params, direction: "backward" });
    expect(fake.queries[0]!.authorization).toBe(`Basic ${Buffer.from("user@x:p:ss").toString("base64")}`);
  });

  it("a bearer token wins over basic auth; no tenant header without a tenant", () => {
    expect(lokiHeaders({ bearerToken: "tok", username: "u", password: "p" })).toEqual({
      accept: "application/json",
      authorization: "Bearer tok",
    });
  });

  it("answers with Loki's lines through the fake, filtered like Loki", async () => {
    const lines: string[] = JSON.parse(FIXTURE).data.result[0].values.map((v: string[]) => v[1]);
    fake = await startFakeLoki({ entries: entriesFromLines(lines, { app: "server" }) });
    const client = createLokiClient({ url: fake.url, timeoutMs: 1000 });
    const found = await client.queryRange({
      ...params,
      query: '{app="server"} |= "req_55aa01" | json | fields_request_id="req_55aa01"',
      direction: "backward",
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.labels).toMatchObject({
      app: "server",
      fields_request_id: "req_55aa01",
      level: "ERROR",
    });
  });

  it.each([
    [
      "HTTP error with Loki's text",
      400,
      "parse error at line 1, col 5: syntax error\n",
      "http",
      /^HTTP 400: parse error/,
    ],
    ["not JSON", 200, "<html>proxy</html>", "bad_answer", /not JSON/],
    [
      "a matrix instead of streams",
      200,
      '{"status":"success","data":{"resultType":"matrix","result":[]}}',
      "bad_answer",
      /unexpected answer/,
    ],
    [
      "a bad timestamp",
      200,
      '{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["now","x"]]}]}}',
      "bad_answer",
      /unexpected/,
    ],
  ])("rejects %s with a reason", async (_, status, body, reason, message) => {
    const client = createLokiClient({
      url: "http://loki:3100",
      timeoutMs: 1000,
      fetch: answering(status, body),
    });
    const error = await client.queryRange({ ...params, direction: "backward" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LokiError);
    expect((error as LokiError).reason).toBe(reason);
    expect((error as LokiError).message).toMatch(message);
  });

  it("gives up after timeoutMs when Loki hangs", async () => {
    fake = await startFakeLoki({ mode: { kind: "hang" } });
    const client = createLokiClient({ url: fake.url, timeoutMs: 100 });
    await expect(client.queryRange({ ...params, direction: "backward" })).rejects.toMatchObject({
      reason: "timeout",
      message: "no answer within 100ms",
    });
  });

  it("stops when the caller aborts, with the caller's reason", async () => {
    fake = await startFakeLoki({ mode: { kind: "hang" } });
    const client = createLokiClient({ url: fake.url, timeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = client.queryRange({ ...params, direction: "backward" }, controller.signal);
    controller.abort(new Error("context timeout"));
    await expect(pending).rejects.toThrow("context timeout");
  });

  it("reports an unreachable Loki without its credentials", async () => {
    const client = createLokiClient({ url: "http://user:secret@127.0.0.1:1", timeoutMs: 1000 });
    const error = (await client
      .queryRange({ ...params, direction: "backward" })
      .catch((e: unknown) => e)) as LokiError;
    expect(error.reason).toBe("unreachable");
    expect(error.message).toMatch(/^cannot reach 127\.0\.0\.1:1: /);
    expect(error.message).not.toContain("secret");
  });
});
