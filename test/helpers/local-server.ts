/** Plumbing the fake HTTP services share: listen on loopback, close at once, run standalone with `--port`. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

/** Listen on 127.0.0.1 (port 0 = any free port) and resolve with the base URL. */
export async function listenLocal(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Close the server, dropping kept-alive connections so a test's cleanup never waits for them. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * The port to listen on when the module at `moduleUrl` is the script node was started with
 * (`node --import tsx test/helpers/fake-x.ts --port N`), `defaultPort` without `--port`; null when imported.
 */
export function standalonePort(moduleUrl: string, defaultPort: number): number | null {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return null;
  const at = process.argv.indexOf("--port");
  return at >= 0 ? Number(process.argv[at + 1]) : defaultPort;
}
