import type { Service } from "../config/services.js";

/** Where a window comes from: a recurring entry (by name) or a planned one-off outage (by id). */
export type MaintenanceSource =
  { kind: "recurring"; name: string; description?: string } | { kind: "planned"; id: string; description?: string; notice_id?: string };

/** One configured window as it falls on the calendar: [start, end) in Unix milliseconds. */
export interface MaintenanceOccurrence {
  start: number;
  end: number;
  services: Service[];
  source: MaintenanceSource;
}

/**
 * The maintenance of one service as it happens: occurrences covering the service merged where
 * they overlap or touch. [start, end) in Unix milliseconds.
 */
export interface MaintenanceWindow {
  service: Service;
  start: number;
  end: number;
  sources: MaintenanceSource[];
}

export function sourceLabel(source: MaintenanceSource): string {
  return source.kind === "recurring" ? `recurring:${source.name}` : `planned:${source.id}`;
}

/** Merges one service's occurrences into windows (overlapping or touching ones become one). */
export function mergeOccurrences(service: Service, occurrences: readonly MaintenanceOccurrence[]): MaintenanceWindow[] {
  const sorted = occurrences.filter((o) => o.services.includes(service)).sort((a, b) => a.start - b.start || a.end - b.end);
  const windows: MaintenanceWindow[] = [];
  for (const occ of sorted) {
    const last = windows[windows.length - 1];
    if (last && occ.start <= last.end) {
      last.end = Math.max(last.end, occ.end);
      if (!last.sources.some((s) => sourceLabel(s) === sourceLabel(occ.source))) last.sources.push(occ.source);
    } else {
      windows.push({ service, start: occ.start, end: occ.end, sources: [occ.source] });
    }
  }
  return windows;
}
