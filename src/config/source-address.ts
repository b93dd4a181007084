import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { z } from "zod";

/**
 * `source_address`: the local IP address the exporter's probes connect from, so that probers in
 * several places on one machine (or a multi-homed probe host) each reach SMT from their own address
 * (docs/ha.md, "Probers in several places"). Absent: the operating system picks, as for any client.
 */
export const sourceAddress = z.string().refine((s) => isIP(s) !== 0, { message: 'expected an IP address of this machine (IPv4 or IPv6), e.g. "127.0.0.2"' });

/** The probe kinds that connect from `source_address`; the others connect from the address the system picks. */
export const SOURCE_ADDRESS_KINDS = ["http", "api", "status_feed", "sftp"] as const;

/**
 * Why `address` cannot be a source address here, or undefined when it can: it must be one of this
 * machine's addresses, or in a loopback network (Linux answers on all of 127.0.0.0/8). Checked when
 * the config loads, because a probe from an address the machine does not have fails at every run
 * (EADDRNOTAVAIL) and would read as an outage seen from this location.
 */
export function sourceAddressProblem(address: string, interfaces = networkInterfaces()): string | undefined {
  const own = Object.values(interfaces).flatMap((list) => list ?? []);
  if (own.some((a) => a.address === address)) return undefined;
  if (isIP(address) === 4 && address.startsWith("127.") && own.some((a) => a.internal && a.family === "IPv4")) return undefined;
  const listed = own.map((a) => a.address).join(", ");
  return `expected an address of this machine or of its IPv4 loopback network 127.0.0.0/8, got "${address}" (this machine has ${listed || "no addresses"})`;
}
