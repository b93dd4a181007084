import {
  addDays,
  civilDateAt,
  compareCivilDates,
  formatCivilDate,
  parseCivilDate,
  parseTimeOfDay,
  wallClockToInstant,
  type CivilDate,
} from "../maintenance/wall-clock-time.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * Time to market of energy data (SLO document, sections 3.2 and 5.2), in Central time:
 * - FTPS: interval files for usage day D available by 23:00 on D+1;
 * - GUI and API: energy data for usage day D visible by 06:00 on D+2.
 *
 * Everything here is a pure function of dates, the deadline and the instant passed in.
 */
export interface DeliveryDeadline {
  /** Days after the usage day: 1 for FTPS, 2 for GUI and API. */
  days_after: number;
  /** Local wall-clock time "HH:MM" on that day. */
  at: string;
}

/** The services whose energy data has a delivery deadline. */
export const DATA_SERVICES = ["gui", "api", "ftps"] as const;
export type DataService = (typeof DATA_SERVICES)[number];

/** The deadlines of the SLO document. */
export const SLO_DELIVERY_DEADLINES: Readonly<Record<DataService, DeliveryDeadline>> = {
  gui: { days_after: 2, at: "06:00" },
  api: { days_after: 2, at: "06:00" },
  ftps: { days_after: 1, at: "23:00" },
};

/** 00:00 local time of a usage day, as Unix ms (the value of the *_usage_day_timestamp_seconds gauges, in ms). */
export function usageDayStart(day: CivilDate, zone = CENTRAL_TIME_ZONE): number {
  return wallClockToInstant(zone, day, { hour: 0, minute: 0 });
}

function timeOf(deadline: DeliveryDeadline) {
  const time = parseTimeOfDay(deadline.at);
  if (!time) throw new RangeError(`deadline time: expected "HH:MM", got "${deadline.at}"`);
  return time;
}

/** The instant (Unix ms) by which usage day `day`'s data must be available. */
export function deliveryDeadline(day: CivilDate, deadline: DeliveryDeadline, zone = CENTRAL_TIME_ZONE): number {
  return wallClockToInstant(zone, addDays(day, deadline.days_after), timeOf(deadline));
}

/** The newest usage day whose deadline has passed at `nowMs` (deadline inclusive: at 23:00:00 the day is due). */
export function expectedUsageDay(nowMs: number, deadline: DeliveryDeadline, zone = CENTRAL_TIME_ZONE): CivilDate {
  const today = civilDateAt(zone, nowMs);
  let day = addDays(today, -deadline.days_after);
  // Deadlines are at most a day apart in local terms; step back until the deadline is not in the future.
  while (deliveryDeadline(day, deadline, zone) > nowMs) day = addDays(day, -1);
  return day;
}

/** The next deadline after `nowMs`: the deadline of the day after the expected one. */
export function nextDeliveryDeadline(nowMs: number, deadline: DeliveryDeadline, zone = CENTRAL_TIME_ZONE): number {
  return deliveryDeadline(addDays(expectedUsageDay(nowMs, deadline, zone), 1), deadline, zone);
}

/** Every usage day of a calendar month "YYYY-MM". */
export function usageDaysOfMonth(month: string): CivilDate[] {
  const first = parseCivilDate(`${month}-01`);
  if (!first) throw new RangeError(`expected a month "YYYY-MM", got "${month}"`);
  const days: CivilDate[] = [];
  for (let d = first; d.month === first.month; d = addDays(d, 1)) days.push(d);
  return days;
}

export { addDays, compareCivilDates, formatCivilDate, parseCivilDate, type CivilDate };
