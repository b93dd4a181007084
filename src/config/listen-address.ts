/** "host:port", ":port" or "[::1]:port"; undefined when it is none of these. */
export function parseListenAddress(address: string): { host?: string; port: number } | undefined {
  const match = /^(.*):(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  const host = match[1]!.replace(/^\[(.*)\]$/, "$1");
  return host === "" ? { port } : { host, port };
}
