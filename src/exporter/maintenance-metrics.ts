import { Gauge, type Registry } from "prom-client";
import { maintenanceConfig, MAINTENANCE_EXCLUDE_POLICIES, type MaintenanceConfig, type MaintenanceExcludePolicy } from "../config/maintenance-schema.js";
import { SERVICES, type Service } from "../config/services.js";
import { NEXT_WINDOW_HORIZON_MS, type MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import { maintenanceCalendars, type MaintenanceCalendars } from "../maintenance/maintenance-exclusion.js";
import { EXCLUDE_POLICY_LABEL, MAINTENANCE_GAUGES } from "./maintenance-metric-names.js";
import { utcOffsetMinutes } from "../maintenance/wall-clock-time.js";
// PromQL's time functions are UTC only; rules and templates add the Central UTC offset exported here.
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/** One calendar's gauges of a service: 1 when in a window; the current window (else the next within 400 days) in Unix seconds, 0 when none. */
export interface WindowStatus {
  active: 0 | 1;
  windowStart: number;
  windowEnd: number;
}

/** What the maintenance gauges say at one instant. */
export interface MaintenanceStatus {
  /** Per service, the excluded maintenance (maintenance.exclude): what the availability rules take out. */
  services: Record<Service, WindowStatus>;
  /** Per service, the reserved windows (recurring calendar), whatever the policy. */
  reserved: Record<Service, WindowStatus>;
  /** Per service, the planned (announced) maintenance, whatever the policy. */
  planned: Record<Service, WindowStatus>;
  policy: MaintenanceExcludePolicy;
  centralUtcOffsetSeconds: number;
}

function windowStatus(calendar: MaintenanceCalendar, at: number): Record<Service, WindowStatus> {
  const services = {} as Record<Service, WindowStatus>;
  for (const service of SERVICES) {
    const window = calendar.currentOrNextWindow(service, at, NEXT_WINDOW_HORIZON_MS);
    services[service] = window
      ? { active: window.start <= at ? 1 : 0, windowStart: window.start / 1000, windowEnd: window.end / 1000 }
      : { active: 0, windowStart: 0, windowEnd: 0 };
  }
  return services;
}

/** The gauges' values at an instant: a pure function of the calendars and the instant. */
export function maintenanceStatus(calendars: MaintenanceCalendars, at: number): MaintenanceStatus {
  return {
    services: windowStatus(calendars.excluded, at),
    reserved: windowStatus(calendars.reserved, at),
    planned: windowStatus(calendars.planned, at),
    policy: calendars.policy,
    centralUtcOffsetSeconds: utcOffsetMinutes(CENTRAL_TIME_ZONE, at) * 60,
  };
}

/**
 * smt_maintenance_active, smt_maintenance_window_{start,end}_timestamp_seconds (the maintenance
 * `maintenance.exclude` excludes), smt_maintenance_{reserved,planned}_window_{start,end}_timestamp_seconds
 * (per service, all four services always), smt_maintenance_exclude_policy{policy} and
 * smt_central_utc_offset_seconds, computed on scrape from the calendars and the exporter's clock, so
 * they are exact at scrape time. One scrape reads one instant.
 */
export class MaintenanceMetrics {
  private calendars: MaintenanceCalendars = maintenanceCalendars(maintenanceConfig.parse({}));
  private scrape?: MaintenanceStatus;

  constructor(
    registry: Registry,
    private readonly now: () => number,
  ) {
    const registers = [registry];
    const labelNames = ["service"];
    const status = () => this.status();
    new Gauge({
      name: "smt_maintenance_active",
      help: "Whether the service is in a planned maintenance window now (1) or not (0), per the exporter's maintenance calendar.",
      labelNames,
      registers,
      collect() {
        const s = status();
        for (const service of SERVICES) this.labels({ service }).set(s.services[service].active);
      },
    });
    const windowGauges = (names: { start: string; end: string }, what: string, pick: (s: MaintenanceStatus) => Record<Service, WindowStatus>) => {
      new Gauge({
        name: names.start,
        help: `Unix time the service's current ${what} started, else when the next one starts (0: none within 400 days).`,
        labelNames,
        registers,
        collect() {
          const s = pick(status());
          for (const service of SERVICES) this.labels({ service }).set(s[service].windowStart);
        },
      });
      new Gauge({
        name: names.end,
        help: `Unix time the service's current ${what} ends, else when the next one ends (0: none within 400 days).`,
        labelNames,
        registers,
        collect() {
          const s = pick(status());
          for (const service of SERVICES) this.labels({ service }).set(s[service].windowEnd);
        },
      });
    };
    windowGauges(
      { start: MAINTENANCE_GAUGES.excludedStart, end: MAINTENANCE_GAUGES.excludedEnd },
      "maintenance window excluded from availability (maintenance.exclude)",
      (s) => s.services,
    );
    windowGauges(
      { start: MAINTENANCE_GAUGES.reservedStart, end: MAINTENANCE_GAUGES.reservedEnd },
      "reserved maintenance window (recurring calendar, announced or not)",
      (s) => s.reserved,
    );
    windowGauges({ start: MAINTENANCE_GAUGES.plannedStart, end: MAINTENANCE_GAUGES.plannedEnd }, "planned (announced) maintenance", (s) => s.planned);
    new Gauge({
      name: MAINTENANCE_GAUGES.excludePolicy,
      help: `1 for the maintenance.exclude policy in force (${MAINTENANCE_EXCLUDE_POLICIES.join(" or ")}): what the availability figures exclude.`,
      labelNames: [EXCLUDE_POLICY_LABEL],
      registers,
      collect() {
        this.reset();
        this.labels({ [EXCLUDE_POLICY_LABEL]: status().policy }).set(1);
      },
    });
    new Gauge({
      name: "smt_central_utc_offset_seconds",
      help: `UTC offset of ${CENTRAL_TIME_ZONE} (Central Prevailing Time) now, in seconds: -21600 (CST) or -18000 (CDT).`,
      registers,
      collect() {
        this.set(status().centralUtcOffsetSeconds);
      },
    });
  }

  /** Takes effect at the next scrape. */
  setMaintenance(config: MaintenanceConfig): void {
    this.calendars = maintenanceCalendars(config);
    this.scrape = undefined;
  }

  /** The status at the scrape's instant: the gauges of one scrape collect in the same tick and share it. */
  private status(): MaintenanceStatus {
    if (!this.scrape) {
      this.scrape = maintenanceStatus(this.calendars, this.now());
      setImmediate(() => {
        this.scrape = undefined;
      });
    }
    return this.scrape;
  }
}
