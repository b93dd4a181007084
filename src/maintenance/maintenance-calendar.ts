import { holidayCalendar, type Holidays } from "./ercot-holidays.js";
import type { MaintenanceConfig, Weekday } from "../config/maintenance-schema.js";
import { WEEKDAYS } from "../config/maintenance-names.js";
import type { Service } from "../config/services.js";
import { addBusinessDays, businessDaysBefore, isBusinessDay } from "./business-days.js";
import { mergeOccurrences, type MaintenanceOccurrence, type MaintenanceSource, type MaintenanceWindow } from "./maintenance-window.js";
import {
  addDays,
  civilDateAt,
  compareCivilDates,
  formatCivilDate,
  isoWeekday,
  parseCalendarDateTime,
  parseTimeOfDay,
  wallClockToInstant,
  type TimeOfDay,
} from "./wall-clock-time.js";

/**
 * SMT's maintenance calendar: a pure function of the `maintenance:` config and the instants
 * passed in (nothing here reads the clock). Instants are Unix milliseconds; ranges are [from, to).
 *
 * A recurring window starts at its local wall-clock start time on each of its weekdays and lasts
 * its configured *elapsed* duration, so a window that spans a DST change ends at a different wall
 * time (sunday 01:00 for 3h on 2026-03-08 ends at 05:00 CDT). Start times in the spring-forward gap
 * move forward by the gap; ambiguous fall-back times mean their first occurrence
 * (see wall-clock-time.ts). A planned outage is [start, end) as written.
 */
export interface MaintenanceCalendar {
  readonly timeZone: string;
  /** The `holiday_set` (ERCOT's by default) and the `holidays` list. */
  readonly holidays: Holidays;
  /** Every configured window overlapping [from, to), unmerged, sorted by start (optionally only those covering a service). */
  occurrences(from: number, to: number, service?: Service): MaintenanceOccurrence[];
  /** The service's maintenance windows overlapping [from, to): occurrences merged where they overlap or touch, not clipped. */
  windows(service: Service, from: number, to: number): MaintenanceWindow[];
  /** Whether the service is in maintenance at the instant (start inclusive, end exclusive). */
  isInMaintenance(service: Service, at: number): boolean;
  /** The window the service is in at the instant, else the next one starting within the horizon (default 400 days). */
  currentOrNextWindow(service: Service, at: number, horizonMs?: number): MaintenanceWindow | undefined;
  /** Wall-clock minutes (hh:mm:00 up to the next minute) starting in [from, to) that a window of the service covers. */
  maintenanceMinutes(service: Service, from: number, to: number): number;
  /** The date ("YYYY-MM-DD") of an instant in the calendar's zone. */
  localDate(at: number): string;
  isBusinessDay(date: string): boolean;
  addBusinessDays(date: string, n: number): string;
  businessDaysBefore(date: string, n: number): string;
}

export const NEXT_WINDOW_HORIZON_MS = 400 * 86_400_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Occurrences are at most 7 days long (validated), so this much around a range finds every one that touches it. */
const REACH_MS = 7 * DAY_MS + DAY_MS;

interface RecurringRule {
  weekdays: Set<number>;
  start: TimeOfDay;
  durationMs: number;
  services: Service[];
  source: MaintenanceSource;
}

function isoWeekdayOf(name: Weekday): number {
  return WEEKDAYS.indexOf(name) + 1;
}

/** Builds the calendar from a validated `maintenance:` section (maintenanceConfig.parse output). */
export function maintenanceCalendar(config: MaintenanceConfig): MaintenanceCalendar {
  const zone = config.time_zone;
  const holidays = holidayCalendar(config.holiday_set, config.holidays);
  const rules: RecurringRule[] = config.recurring.map((w) => ({
    weekdays: new Set(w.weekdays.map(isoWeekdayOf)),
    start: mustParse(parseTimeOfDay(w.start), `maintenance.recurring "${w.name}".start "${w.start}"`),
    durationMs: w.duration,
    services: w.services,
    source: { kind: "recurring", name: w.name, ...(w.description !== undefined ? { description: w.description } : {}) },
  }));
  const planned: MaintenanceOccurrence[] = config.planned.map((p) => ({
    start: instant(p.start, zone, `maintenance.planned "${p.id}".start`),
    end: instant(p.end, zone, `maintenance.planned "${p.id}".end`),
    services: p.services,
    source: {
      kind: "planned",
      id: p.id,
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.notice_id !== undefined ? { notice_id: p.notice_id } : {}),
    },
  }));

  /** Every occurrence overlapping [from, to). */
  function expand(from: number, to: number): MaintenanceOccurrence[] {
    const found: MaintenanceOccurrence[] = [];
    if (to <= from) return found;
    if (rules.length > 0) {
      // Local start dates from a week before `from` (the longest window) to the date of `to`.
      const last = civilDateAt(zone, to);
      for (let date = civilDateAt(zone, from - REACH_MS); compareCivilDates(date, last) <= 0; date = addDays(date, 1)) {
        const weekday = isoWeekday(date);
        for (const rule of rules) {
          if (!rule.weekdays.has(weekday)) continue;
          const start = wallClockToInstant(zone, date, rule.start);
          const end = start + rule.durationMs;
          if (start < to && end > from) found.push({ start, end, services: rule.services, source: rule.source });
        }
      }
    }
    for (const p of planned) if (p.start < to && p.end > from) found.push(p);
    return found.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  function windows(service: Service, from: number, to: number): MaintenanceWindow[] {
    // Look a week beyond each end so a window touching the range is merged with its neighbours.
    return mergeOccurrences(service, expand(from - REACH_MS, to + REACH_MS)).filter((w) => w.start < to && w.end > from);
  }

  return {
    timeZone: zone,
    holidays,
    occurrences(from, to, service) {
      const all = expand(from, to);
      return service === undefined ? all : all.filter((o) => o.services.includes(service));
    },
    windows,
    isInMaintenance(service, at) {
      return windows(service, at, at + 1).length > 0;
    },
    currentOrNextWindow(service, at, horizonMs = NEXT_WINDOW_HORIZON_MS) {
      return windows(service, at, at + horizonMs)[0];
    },
    maintenanceMinutes(service, from, to) {
      const first = Math.ceil(from / MINUTE_MS);
      const last = Math.ceil(to / MINUTE_MS); // exclusive
      let minutes = 0;
      for (const w of windows(service, from, to)) {
        minutes += Math.max(0, Math.min(Math.ceil(w.end / MINUTE_MS), last) - Math.max(Math.ceil(w.start / MINUTE_MS), first));
      }
      return minutes;
    },
    localDate(at) {
      return formatCivilDate(civilDateAt(zone, at));
    },
    isBusinessDay: (date) => isBusinessDay(date, holidays),
    addBusinessDays: (date, n) => addBusinessDays(date, n, holidays),
    businessDaysBefore: (date, n) => businessDaysBefore(date, n, holidays),
  };
}

function instant(text: string, zone: string, what: string): number {
  const parsed = parseCalendarDateTime(text, zone);
  if ("error" in parsed) throw new Error(`${what}: ${parsed.error} (the calendar needs a validated config)`);
  return parsed.instant;
}

function mustParse<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is invalid (the calendar needs a validated config)`);
  return value;
}
