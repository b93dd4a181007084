import { SERVICES, type Service } from "../config/services.js";
import type { AnnouncedNotice } from "../notices/notice-store.js";

/**
 * What the market was told, from the sent notices only (NoticeStoreReader.announcedNotices): the
 * ongoing unplanned incidents, the planned maintenance still to come or in progress, and each
 * service's state now. An outage is ongoing from its first sent notice until its COMPLETION is sent;
 * a maintenance window is the one its latest sent notice states, until a PLANNED_COMPLETION or a
 * CANCELLATION is sent or the window has ended. Drafts, approved notices, reviewers and the alerts'
 * own text never get here. Pure.
 */

export const SERVICE_STATES = ["operational", "outage", "maintenance"] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/** The notice kinds that end what their series announced. */
const CLOSING_KINDS = new Set(["COMPLETION", "PLANNED_COMPLETION", "CANCELLATION"]);

/** A sent notice as the public sees it. */
export interface PublicNotice {
  id: string;
  kind: string;
  sent_at: string;
  subject: string;
  text: string;
}

export interface AnnouncedIncident {
  /** The notice series (the start of its notice ids). */
  series: string;
  services: Service[];
  start: string;
  latest_notice: PublicNotice;
}

export interface AnnouncedMaintenance {
  series: string;
  services: Service[];
  start: string;
  end: string;
  in_progress: boolean;
  latest_notice: PublicNotice;
}

export interface AnnouncedStatus {
  incidents: AnnouncedIncident[];
  maintenance: AnnouncedMaintenance[];
  states: Record<Service, ServiceState>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const known = (services: readonly string[]): Service[] => SERVICES.filter((s) => services.includes(s));

export function publicNotice(n: AnnouncedNotice): PublicNotice {
  return { id: n.id, kind: n.kind, sent_at: iso(n.sent_at), subject: n.subject, text: n.body };
}

/** The announced incidents and maintenance at `nowMs`, from the latest sent notice of each incident. Pure. */
export function announcedStatus(latestPerIncident: readonly AnnouncedNotice[], nowMs: number): AnnouncedStatus {
  const incidents: AnnouncedIncident[] = [];
  const maintenance: AnnouncedMaintenance[] = [];
  for (const n of latestPerIncident) {
    if (CLOSING_KINDS.has(n.kind)) continue;
    const services = known(n.services);
    if (services.length === 0) continue;
    if (n.incident_kind === "unplanned") {
      incidents.push({ series: n.series_id, services, start: iso(n.incident_start_ms), latest_notice: publicNotice(n) });
    } else if (n.window_start_ms !== null && n.window_end_ms !== null && n.window_end_ms > nowMs) {
      maintenance.push({
        series: n.series_id,
        services,
        start: iso(n.window_start_ms),
        end: iso(n.window_end_ms),
        in_progress: n.window_start_ms <= nowMs,
        latest_notice: publicNotice(n),
      });
    }
  }
  incidents.sort((a, b) => (a.start < b.start ? 1 : -1));
  maintenance.sort((a, b) => (a.start < b.start ? -1 : 1));
  const states = Object.fromEntries(SERVICES.map((s) => [s, "operational"])) as Record<Service, ServiceState>;
  for (const m of maintenance) if (m.in_progress) for (const s of m.services) states[s] = "maintenance";
  for (const i of incidents) for (const s of i.services) states[s] = "outage";
  return { incidents, maintenance, states };
}

/** The worst state of all: outage, then maintenance, then operational. Pure. */
export function overallState(states: Readonly<Record<Service, ServiceState>>): ServiceState {
  const all = Object.values(states);
  return all.includes("outage") ? "outage" : all.includes("maintenance") ? "maintenance" : "operational";
}
