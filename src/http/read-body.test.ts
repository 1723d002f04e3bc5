import { request } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBodyText } from "./read-body.js";

const LIMIT = 16;
const app = new Hono();
/** How each read ended on the server: its text, "too large", or the error. */
const reads: string[] = [];
app.post("/", async (c) => {
  try {
    const body = await readBodyText(c, LIMIT);
    reads.push(body.ok ? body.text : "too large");
    return body.ok ? c.json({ text: body.text }) : c.json({ tooLarge: true }, 413);
  } catch (err) {
    reads.push(`error: ${(err as Error).message}`);
    return c.json({ error: "unread" }, 400);
  }
});

let server: ServerType;
let port: number;
beforeAll(async () => {
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POST over a real socket in the given chunks (no Content-Length when `chunked`): status and body. */
function post(chunks: Buffer[], chunked: boolean): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + c.length, 0);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        headers: chunked ? {} : { "content-length": length },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

// "é" is two bytes: split between two chunks, it must still decode as one character.
const accented = Buffer.from('\ufeff{"a":"é"}', "utf8");
const split = [accented.subarray(0, 9), accented.subarray(9)];

describe("readBodyText from Node's request stream (a real server)", () => {
  it("drops a leading BOM and joins a character split across chunks", async () => {
    expect(await post(split, true)).toEqual({ status: 200, body: { text: '{"a":"é"}' } });
  });

  it("takes a body of exactly the limit, and refuses one byte more, declared or streamed", async () => {
    expect((await post([Buffer.alloc(LIMIT, "x")], false)).status).toBe(200);
    expect(await post([Buffer.alloc(LIMIT + 1, "x")], false)).toEqual({
      status: 413,
      body: { tooLarge: true },
    });
    const streamed = [Buffer.alloc(10, "x"), Buffer.alloc(10, "y"), Buffer.alloc(1000, "z")];
    expect(await post(streamed, true)).toEqual({ status: 413, body: { tooLarge: true } });
    // The connection still answers the next request.
    expect((await post([Buffer.from("{}")], false)).status).toBe(200);
  });
});

describe("readBodyText when the client hangs up mid-body", () => {
  it("settles the read with an error instead of waiting forever", async () => {
    reads.length = 0;
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    for (let i = 0; i < 100 && reads.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/^error: /);
  });
});

describe("readBodyText from the web Request (app.request, other runtimes)", () => {
  const streamOf = (chunks: Buffer[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
        controller.close();
      },
    });
  const send = async (body: ReadableStream<Uint8Array> | string) => {
    const res = await app.request("/", { method: "POST", body, duplex: "half" } as RequestInit);
    return { status: res.status, body: await res.json() };
  };

  it("reads the same text, and refuses a stream past the limit", async () => {
    expect(await send(streamOf(split))).toEqual({ status: 200, body: { text: '{"a":"é"}' } });
    expect(await send(streamOf([Buffer.alloc(LIMIT + 1, "x")]))).toEqual({
      status: 413,
      body: { tooLarge: true },
    });
    expect(await send("")).toEqual({ status: 200, body: { text: "" } });
  });
});
