import { Gauge, type Registry } from "prom-client";
import { maintenanceConfig } from "../config/maintenance-schema.js";
import { SERVICES, type Service } from "../config/services.js";
import { maintenanceCalendar, NEXT_WINDOW_HORIZON_MS, type MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import { utcOffsetMinutes } from "../maintenance/wall-clock-time.js";
// PromQL's time functions are UTC only; rules and templates add the Central UTC offset exported here.
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/** What the maintenance gauges say at one instant. */
export interface MaintenanceStatus {
  /** Per service: 1 when in maintenance; the current window (else the next within 400 days) in Unix seconds, 0 when none. */
  services: Record<Service, { active: 0 | 1; windowStart: number; windowEnd: number }>;
  centralUtcOffsetSeconds: number;
}

/** The gauges' values at an instant: a pure function of the calendar and the instant. */
export function maintenanceStatus(calendar: MaintenanceCalendar, at: number): MaintenanceStatus {
  const services = {} as MaintenanceStatus["services"];
  for (const service of SERVICES) {
    const window = calendar.currentOrNextWindow(service, at, NEXT_WINDOW_HORIZON_MS);
    services[service] = window
      ? { active: window.start <= at ? 1 : 0, windowStart: window.start / 1000, windowEnd: window.end / 1000 }
      : { active: 0, windowStart: 0, windowEnd: 0 };
  }
  return { services, centralUtcOffsetSeconds: utcOffsetMinutes(CENTRAL_TIME_ZONE, at) * 60 };
}

/**
 * smt_maintenance_active, smt_maintenance_window_{start,end}_timestamp_seconds (per service, all
 * four services always) and smt_central_utc_offset_seconds, computed on scrape from the calendar
 * and the exporter's clock, so they are exact at scrape time. One scrape reads one instant.
 */
export class MaintenanceMetrics {
  private calendar: MaintenanceCalendar = maintenanceCalendar(maintenanceConfig.parse({}));
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
    new Gauge({
      name: "smt_maintenance_window_start_timestamp_seconds",
      help: "Unix time the service's current maintenance window started, else when the next one starts (0: none within 400 days).",
      labelNames,
      registers,
      collect() {
        const s = status();
        for (const service of SERVICES) this.labels({ service }).set(s.services[service].windowStart);
      },
    });
    new Gauge({
      name: "smt_maintenance_window_end_timestamp_seconds",
      help: "Unix time the service's current maintenance window ends, else when the next one ends (0: none within 400 days).",
      labelNames,
      registers,
      collect() {
        const s = status();
        for (const service of SERVICES) this.labels({ service }).set(s.services[service].windowEnd);
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
  setCalendar(calendar: MaintenanceCalendar): void {
    this.calendar = calendar;
    this.scrape = undefined;
  }

  /** The status at the scrape's instant: the gauges of one scrape collect in the same tick and share it. */
  private status(): MaintenanceStatus {
    if (!this.scrape) {
      this.scrape = maintenanceStatus(this.calendar, this.now());
      setImmediate(() => {
        this.scrape = undefined;
      });
    }
    return this.scrape;
  }
}
