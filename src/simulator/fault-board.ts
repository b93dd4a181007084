import type { Service } from "../config/schema.js";

/** Faults the simulator can inject, and the services each applies to. */
export const FAULTS = {
  refused: ["gui", "api", "ftps", "han"],
  hang: ["gui", "api", "ftps", "han"],
  slow: ["gui", "api", "ftps", "han"],
  http_500: ["gui", "api", "han"],
  http_503: ["gui", "api", "han"],
  access_denied_page: ["gui", "api", "han"],
  maintenance_page: ["gui", "api", "han"],
  expired_cert: ["gui", "api", "ftps", "han"],
  auth_failure: ["api", "ftps", "han"],
  stale_file: ["ftps"],
  missing_file: ["ftps"],
  // SFTP only (src/simulator/sftp-site.ts); the FTPS site ignores them.
  wrong_host_key: ["ftps"],
  hang_after_banner: ["ftps"],
  slow_transfer: ["ftps"],
  // Energy data (src/simulator/energy-data-faults.ts): posted after the SLO deadline; flawed intervals.
  late_data: ["api", "ftps"],
  flawed_data: ["api", "ftps"],
  // The homepage outage message (src/simulator/outage-message.ts): none while services are down; a stale banner.
  outage_message_missing: ["gui"],
  outage_message_stale: ["gui"],
  // The logged-in portal in a browser (src/simulator/portal-session.ts): the usage script throws (in every browser, or only
  // under Firefox's user agent) or answers 500; logins refused; the usage table renders minutes late.
  js_error: ["gui"],
  js_error_firefox: ["gui"],
  login_broken: ["gui"],
  asset_500: ["gui"],
  slow_render: ["gui"],
  // The call center's status feed (src/simulator/call-center-feed.ts): the phone system down, or degraded.
  phone_system_down: ["call_center"],
  phone_system_degraded: ["call_center"],
} as const satisfies Record<string, readonly Service[]>;

export type FaultName = keyof typeof FAULTS;

/**
 * The faults that can be limited to some clients (by the client's source address): the ones the
 * simulator applies where it sees the client, i.e. in the front door (hang, slow) and in the answer
 * of an HTTP service. Probers in several places bind their own source address (docs/ha.md), so a
 * fault seen from one location only is a fault for that address only.
 */
export const CLIENT_FAULTS = ["hang", "slow", "http_500", "http_503", "access_denied_page", "maintenance_page"] as const satisfies readonly FaultName[];

/** The most client addresses one fault may be limited to (the admin API refuses longer lists). */
export const MAX_FAULT_CLIENTS = 16;

export interface ActiveFault {
  fault: FaultName;
  /** For "slow" and "slow_transfer": how long answers are held back. */
  delayMs: number;
  since: number;
  /** The client source addresses the fault applies to; absent: every client. */
  clients?: readonly string[];
}

/** A socket's remote address as the fault board compares it ("::ffff:127.0.0.2" is 127.0.0.2). */
export function clientAddress(remoteAddress: string | undefined): string | undefined {
  return remoteAddress?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}

export const DEFAULT_SLOW_MS = 15_000;

/** The faults currently injected, one per service at most. */
export class FaultBoard {
  private readonly active = new Map<Service, ActiveFault>();

  /**
   * The fault of a service as a client sees it. A fault limited to some clients applies only where
   * the caller names the client (`client`, a source address) and it is one of them.
   */
  get(service: Service, client?: string): ActiveFault | undefined {
    const fault = this.active.get(service);
    if (!fault?.clients) return fault;
    const address = clientAddress(client);
    return address !== undefined && fault.clients.includes(address) ? fault : undefined;
  }

  is(service: Service, fault: FaultName, client?: string): boolean {
    return this.get(service, client)?.fault === fault;
  }

  /**
   * Injects a fault (for every client, or only for the given client source addresses); returns an
   * error text when the fault does not apply to the service or cannot be limited to clients.
   */
  set(service: Service, fault: string, delayMs = DEFAULT_SLOW_MS, now = Date.now(), clients?: readonly string[]): string | undefined {
    if (!(fault in FAULTS)) return `unknown fault "${fault}": expected one of ${Object.keys(FAULTS).join(", ")}`;
    if (clients !== undefined && !(CLIENT_FAULTS as readonly string[]).includes(fault)) {
      return `fault "${fault}" cannot be limited to clients: expected one of ${CLIENT_FAULTS.join(", ")} with "clients"`;
    }
    const services = FAULTS[fault as FaultName] as readonly Service[];
    if (!services.includes(service)) {
      const applicable = Object.entries(FAULTS)
        .filter(([, s]) => (s as readonly Service[]).includes(service))
        .map(([f]) => f);
      return `fault "${fault}" does not apply to service ${service}: expected one of ${applicable.join(", ")}`;
    }
    this.active.set(service, {
      fault: fault as FaultName,
      delayMs,
      since: now,
      ...(clients !== undefined ? { clients: clients.map((c) => clientAddress(c)!) } : {}),
    });
    return undefined;
  }

  clear(service?: Service): void {
    const services = service ? [service] : [...this.active.keys()];
    for (const s of services) this.active.delete(s);
  }

  list(): { service: Service; fault: FaultName; delay_ms: number; since: string; clients?: readonly string[] }[] {
    return [...this.active.entries()].map(([service, f]) => ({
      service,
      fault: f.fault,
      delay_ms: f.delayMs,
      since: new Date(f.since).toISOString(),
      ...(f.clients ? { clients: f.clients } : {}),
    }));
  }
}
