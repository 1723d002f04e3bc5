/** Pure: split a HOST:PORT listen address (IPv6 in brackets) and tell whether it is loopback-only. */

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parse "127.0.0.1:9095", "[::1]:9095", "0.0.0.0:80"; throws on anything else. */
export function parseListen(listen: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s]+)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new Error(`invalid listen address ${JSON.stringify(listen)}: use HOST:PORT`);
  return { host: (match[1] ?? match[2])!, port };
}

/** True when only this machine can connect to the host. */
export function isLoopback(host: string): boolean {
  return /^(localhost|::1|127(\.\d{1,3}){3}|::ffff:127(\.\d{1,3}){3})$/i.test(host);
}
