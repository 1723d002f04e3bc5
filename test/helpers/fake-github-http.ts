/**
 * HTTP plumbing of the fake GitHub: JSON answers and bodies, and held answers (the write is stored, then the
 * test decides whether the answer arrives: a crash between "sent" and "recorded").
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A held answer: `received` once the write is stored; `release(false)` drops the connection instead. */
export interface Hold {
  received: Promise<void>;
  release(answer: boolean): void;
}

/** A hold, and the gate the fake's handler waits at. */
export function makeHold(): { hold: Hold; gate: { arrived: () => void; decide: Promise<boolean> } } {
  let arrived!: () => void;
  let release!: (answer: boolean) => void;
  const received = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const decide = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  return { hold: { received, release }, gate: { arrived, decide } };
}

/** Wait for the test's verdict on a held answer; false: the connection is dropped, nothing is answered. */
export async function passGate(gate: { arrived: () => void; decide: Promise<boolean> }, res: ServerResponse) {
  gate.arrived();
  if (await gate.decide) return true;
  res.socket?.destroy();
  return false;
}

/** Answer with JSON; returns the status for the request log. */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): number {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
  return status;
}

/** The request's JSON body ({} when empty). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Answer one page of `items` as GitHub does: `per_page` (at most 100) and `page`, with a Link header to the next. */
export function sendPage<T>(items: T[], url: URL, res: ServerResponse, base: string): number {
  const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
  const pageNo = Math.max(1, Number(url.searchParams.get("page") ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  if (pageNo < last) {
    const next = new URL(url.href);
    next.searchParams.set("page", String(pageNo + 1));
    headers.link = `<${base}${next.pathname}${next.search}>; rel="next", <${base}${next.pathname}?per_page=${perPage}&page=${last}>; rel="last"`;
  }
  return send(res, 200, items.slice((pageNo - 1) * perPage, pageNo * perPage), headers);
}

/** Whether the request carries the token, in either of the schemes GitHub accepts. */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization ?? "";
  return auth === `token ${token}` || auth === `Bearer ${token}`;
}

/** GitHub's answer to a missing or wrong token. */
export function badCredentials(res: ServerResponse): number {
  return send(res, 401, {
    message: "Bad credentials",
    documentation_url: "https://docs.github.com/rest",
    status: "401",
  });
}
