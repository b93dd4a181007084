import { parseListenAddress } from "../config/listen-address.js";

/**
 * Reads `--web.listen-address` (commander stores it as "web.listenAddress"). Returns undefined
 * when the option is absent; prints the problem and sets exit code 2 when it is malformed.
 */
export function listenAddressOption(opts: { "web.listenAddress"?: string }): { host?: string; port: number } | undefined | "invalid" {
  const address = opts["web.listenAddress"];
  if (address === undefined) return undefined;
  const parsed = parseListenAddress(address);
  if (parsed) return parsed;
  process.stderr.write(`--web.listen-address: expected "host:port" or ":port", got "${address}"\n`);
  process.exitCode = 2;
  return "invalid";
}
