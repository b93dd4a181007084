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
  // The logged-in portal in a browser (src/simulator/portal-session.ts): the usage script throws or answers 500; logins refused.
  js_error: ["gui"],
  login_broken: ["gui"],
  asset_500: ["gui"],
  // The call center's status feed (src/simulator/call-center-feed.ts): the phone system down, or degraded.
  phone_system_down: ["call_center"],
  phone_system_degraded: ["call_center"],
} as const satisfies Record<string, readonly Service[]>;

export type FaultName = keyof typeof FAULTS;

export interface ActiveFault {
  fault: FaultName;
  /** For "slow" and "slow_transfer": how long answers are held back. */
  delayMs: number;
  since: number;
}

export const DEFAULT_SLOW_MS = 15_000;

/** The faults currently injected, one per service at most. */
export class FaultBoard {
  private readonly active = new Map<Service, ActiveFault>();

  get(service: Service): ActiveFault | undefined {
    return this.active.get(service);
  }

  is(service: Service, fault: FaultName): boolean {
    return this.active.get(service)?.fault === fault;
  }

  /** Injects a fault; returns an error text when the fault does not apply to the service. */
  set(service: Service, fault: string, delayMs = DEFAULT_SLOW_MS, now = Date.now()): string | undefined {
    if (!(fault in FAULTS)) return `unknown fault "${fault}": expected one of ${Object.keys(FAULTS).join(", ")}`;
    const services = FAULTS[fault as FaultName] as readonly Service[];
    if (!services.includes(service)) {
      const applicable = Object.entries(FAULTS)
        .filter(([, s]) => (s as readonly Service[]).includes(service))
        .map(([f]) => f);
      return `fault "${fault}" does not apply to service ${service}: expected one of ${applicable.join(", ")}`;
    }
    this.active.set(service, { fault: fault as FaultName, delayMs, since: now });
    return undefined;
  }

  clear(service?: Service): void {
    const services = service ? [service] : [...this.active.keys()];
    for (const s of services) this.active.delete(s);
  }

  list(): { service: Service; fault: FaultName; delay_ms: number; since: string }[] {
    return [...this.active.entries()].map(([service, f]) => ({ service, fault: f.fault, delay_ms: f.delayMs, since: new Date(f.since).toISOString() }));
  }
}
