import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { bearerAuth, bearerMatches } from "./auth.js";

const TOKEN = "s3cret-token-0123456789";

describe("bearerMatches", () => {
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer  ${TOKEN} `, true],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [`Basic ${TOKEN}`, false],
    [TOKEN, false],
    ["Bearer ", false],
    ["", false],
    [undefined, false],
  ])("%j -> %s", (header, expected) => {
    expect(bearerMatches(header, TOKEN)).toBe(expected);
  });
});

describe("bearerAuth", () => {
  const app = new Hono().use(bearerAuth(TOKEN)).get("/", (c) => c.text("in"));

  it("refuses a missing token with 401, a JSON body and WWW-Authenticate", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: "missing bearer token" });
  });

  it("refuses a wrong token", async () => {
    const res = await app.request("/", { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid bearer token" });
  });

  it("lets the right token through", async () => {
    const res = await app.request("/", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it("lets everything through when no token is configured", async () => {
    const open = new Hono().use(bearerAuth(null)).get("/", (c) => c.text("in"));
    expect((await open.request("/")).status).toBe(200);
  });
});
