/**
 * A webhook body as text, within a byte limit. Under @hono/node-server it is read from Node's request stream
 * (`c.env.incoming`, the adapter's documented binding): materialising the web Request and its ReadableStream
 * cost a storm of small webhooks about a sixth of ai-monitor's throughput. Elsewhere (`app.request` in tests,
 * other runtimes) it is read from the web Request's body. Both paths enforce the same limit while reading, so
 * a body streamed without a Content-Length is refused as soon as it crosses the limit.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

export type BodyText = { ok: true; text: string } | { ok: false; tooLarge: true };

const TOO_LARGE: BodyText = { ok: false, tooLarge: true };
// As Request.text(): UTF-8, a leading BOM dropped, invalid sequences replaced.
const utf8 = new TextDecoder();

/** Read the request's body as text, or say it is larger than `limitBytes` (declared or streamed). */
export async function readBodyText(c: Context, limitBytes: number): Promise<BodyText> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > limitBytes) return TOO_LARGE;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const chunks = incoming ? await fromNode(incoming, limitBytes) : await fromWeb(c.req.raw.body, limitBytes);
  return chunks ? { ok: true, text: utf8.decode(Buffer.concat(chunks)) } : TOO_LARGE;
}

// Past the limit the listeners go and the rest is left unread: the adapter drains it after the 413 is sent.
// A client that hangs up mid-body settles the read too ('close' without 'end'), so no handler waits forever.
function fromNode(incoming: IncomingMessage, limitBytes: number): Promise<Buffer[] | null> {
  if (incoming.readableEnded) return Promise.resolve([]);
  if (incoming.destroyed) return Promise.reject(new Error("the request was closed before its body was read"));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      detach();
      resolve(null);
    };
    const onEnd = () => {
      detach();
      resolve(chunks);
    };
    const onError = (err: Error) => {
      detach();
      reject(err);
    };
    const onClose = () => onError(new Error("the client closed the request before its body ended"));
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

async function fromWeb(
  body: ReadableStream<Uint8Array> | null,
  limitBytes: number,
): Promise<Uint8Array[] | null> {
  if (!body) return [];
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
}
