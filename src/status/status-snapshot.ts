import { SERVICE_DISPLAY_NAMES, SERVICES, type Service } from "../config/services.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { overallState, type AnnouncedIncident, type AnnouncedMaintenance, type AnnouncedStatus, type ServiceState } from "./announced-status.js";
import type { DayFigures, MonthToDate, StatusFigures } from "./status-figures.js";

/**
 * The public status as one document: what /status.json answers (a versioned contract, documented in
 * docs/status.md) and what /status and the homepage banner render. The key order is the contract.
 */

/** Bumped only for a change that breaks a reader (a key removed, renamed or given another meaning); new keys keep it. */
export const STATUS_SCHEMA_VERSION = 1;

/** Whether the figures are fresh: current (the last refresh worked), stale (it failed: older figures), none (never computed). */
export const FIGURE_STATES = ["current", "stale", "none"] as const;
export type FigureState = (typeof FIGURE_STATES)[number];

export interface ServiceStatus {
  service: Service;
  name: string;
  state: ServiceState;
  /** The month to date, judged by the objective in force; null before its first minute is recorded or without figures. */
  month_to_date: MonthToDate | null;
  /** The last 90 days, oldest first; empty without figures. */
  days: DayFigures[];
}

export interface StatusSnapshot {
  schema_version: typeof STATUS_SCHEMA_VERSION;
  generated_at: string;
  timezone: string;
  overall: ServiceState;
  figures: {
    state: FigureState;
    /** When the figures shown were computed; null when there are none. */
    computed_at: string | null;
    age_seconds: number | null;
    /** The month to date: its label and the end of its last counted minute. */
    month: string | null;
    through: string | null;
    /** Why the figures are stale or missing, for people (never an internal address). */
    message: string | null;
  };
  services: ServiceStatus[];
  incidents: AnnouncedIncident[];
  maintenance: AnnouncedMaintenance[];
}

/** The document from the announced status and the last figures (if any). Pure. */
export function statusSnapshot(
  nowMs: number,
  announced: AnnouncedStatus,
  figures: StatusFigures | undefined,
  failure: { atMs: number; reason: string } | undefined,
): StatusSnapshot {
  const state: FigureState = !figures ? "none" : failure ? "stale" : "current";
  return {
    schema_version: STATUS_SCHEMA_VERSION,
    generated_at: new Date(nowMs).toISOString(),
    timezone: CENTRAL_TIME_ZONE,
    overall: overallState(announced.states),
    figures: {
      state,
      computed_at: figures ? new Date(figures.computedAtMs).toISOString() : null,
      age_seconds: figures ? Math.max(0, Math.round((nowMs - figures.computedAtMs) / 1000)) : null,
      month: figures?.month?.label ?? null,
      through: figures?.month ? new Date(figures.month.throughMs).toISOString() : null,
      message: failure
        ? `At ${new Date(failure.atMs).toISOString()} ${failure.reason}; ${figures ? "the figures shown are the last known ones" : "no figures are known yet"}.`
        : figures
          ? null
          : "The availability figures have not been computed yet.",
    },
    services: SERVICES.map((service) => {
      const f = figures?.services.find((s) => s.service === service);
      return {
        service,
        name: SERVICE_DISPLAY_NAMES[service],
        state: announced.states[service],
        month_to_date: f?.monthToDate ?? null,
        days: f?.days ?? [],
      };
    }),
    incidents: announced.incidents,
    maintenance: announced.maintenance,
  };
}
