import type { MaintenanceConfig, MaintenanceExcludePolicy } from "../config/maintenance-schema.js";
import { maintenanceCalendar, type MaintenanceCalendar } from "./maintenance-calendar.js";

/**
 * The two notions of the `maintenance:` section (docs/maintenance.md, "Reserved windows and planned
 * maintenance"), each as a calendar, and the one the availability figures exclude:
 *
 * - reserved windows: the recurring calendar (`recurring:`, e.g. Saturday 02:00-12:00 Central), time
 *   SMT keeps free for maintenance whether or not it uses it;
 * - planned maintenance: the one-off entries (`planned:`) that were or will be announced to the
 *   market, each with its notice id once drafted;
 * - excluded: what `maintenance.exclude` takes out of the availability figures: the planned
 *   maintenance (`announced`, the default) or the reserved windows and the planned maintenance
 *   (`reserved`, what every window meant before the two were told apart).
 *
 * Pure: calendars of the config, nothing read from the clock.
 */
export interface MaintenanceCalendars {
  policy: MaintenanceExcludePolicy;
  reserved: MaintenanceCalendar;
  planned: MaintenanceCalendar;
  excluded: MaintenanceCalendar;
}

export function maintenanceCalendars(config: MaintenanceConfig): MaintenanceCalendars {
  const planned = maintenanceCalendar({ ...config, recurring: [] });
  return {
    policy: config.exclude,
    reserved: maintenanceCalendar({ ...config, planned: [] }),
    planned,
    excluded: config.exclude === "reserved" ? maintenanceCalendar(config) : planned,
  };
}
