import { DateTime } from "luxon";
import type { ObjectiveEntry } from "../config/objectives-schema.js";
import { SERVICES, type Service } from "../config/services.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { recordedThrough, monthToDate } from "../report/month-to-date.js";
import { availabilityNeed, availabilitySection, MonthUnavailableError } from "../report/monthly-report.js";
import { objectiveInForce } from "../report/objectives.js";
import type { InstantSample, PromqlClient } from "../report/promql-client.js";
import { PromqlFetcher } from "../report/promql-fetch.js";
import type { ReportMonth } from "../report/report-month.js";
import { judgedBy, serviceAvailability, type ServiceAvailability } from "../report/service-availability.js";

/**
 * The figures of the public status page (issue 17): per service the month to date and one figure per
 * day of the last STATUS_DAYS days (Central time), all through the report's own code: the month's
 * query (availabilityNeed) and its arithmetic (availabilitySection, serviceAvailability) over each
 * period, so a day's or the month's availability is the report's by construction. Days that are
 * over are fetched once and kept; each refresh asks Prometheus for today and the month to date.
 */

/** Days shown as bars: today and the 89 before it. */
export const STATUS_DAYS = 90;

/** What a day's bar shows: the first that applies of outage, unmeasured, maintenance, available. */
export const DAY_STATES = ["available", "outage", "maintenance", "unmeasured"] as const;
export type DayState = (typeof DAY_STATES)[number];

/** One day of one service: the report's minute counts of the day (so far, for today) and its bar. */
export type DayFigures = {
  /** "YYYY-MM-DD", Central time. */
  date: string;
  state: DayState;
} & Pick<ServiceAvailability, "total_minutes" | "maintenance_minutes" | "unavailable_minutes" | "unmeasured_minutes" | "available_minutes" | "availability">;

/** The month to date of one service: the report's line with the objective in force. */
export type MonthToDate = Omit<ServiceAvailability, "service">;

export interface StatusFigures {
  /** The instant the figures were computed at (the status board's clock). */
  computedAtMs: number;
  /** The month to date; null in the first minutes of a month (nothing recorded yet). */
  month: { label: string; fromMs: number; throughMs: number } | null;
  services: { service: Service; monthToDate: MonthToDate | null; days: DayFigures[] }[];
}

/** The bar of a day: outage when a minute was unavailable, else unmeasured when one was, else maintenance, else available. Pure. */
export function dayState(line: Pick<ServiceAvailability, "total_minutes" | "unavailable_minutes" | "unmeasured_minutes" | "maintenance_minutes">): DayState {
  if (line.unavailable_minutes > 0) return "outage";
  if (line.unmeasured_minutes > 0 || line.total_minutes === 0) return "unmeasured";
  if (line.maintenance_minutes > 0) return "maintenance";
  return "available";
}

/**
 * The periods of the days shown at `nowMs`, oldest first: whole Central-time days, today up to its
 * last recorded minute (report-month shape: label "YYYY-MM-DD"). Pure.
 */
export function statusDays(nowMs: number, days = STATUS_DAYS, timeZone = CENTRAL_TIME_ZONE): ReportMonth[] {
  const today = DateTime.fromMillis(nowMs, { zone: timeZone }).startOf("day");
  const through = recordedThrough(nowMs);
  const out: ReportMonth[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = today.minus({ days: i });
    const fromMs = start.toMillis();
    const endMs = start.plus({ days: 1 }).toMillis();
    const toMs = Math.max(fromMs, Math.min(endMs, through));
    out.push({ label: start.toFormat("yyyy-LL-dd"), fromMs, toMs, totalMinutes: (toMs - fromMs) / 60_000, ...(toMs < endMs ? { asOfMs: nowMs } : {}) });
  }
  return out;
}

/** The report's lines of a period from its samples; a period without any recorded minute is all unmeasured. Pure. */
export function periodLines(period: ReportMonth, samples: readonly InstantSample[] | undefined): ServiceAvailability[] {
  const none = () => SERVICES.map((service) => serviceAvailability(service, period.totalMinutes, { maintenance: 0, unavailable: 0, available: 0 }));
  if (!samples || period.totalMinutes === 0) return none();
  try {
    return availabilitySection(period, samples).services;
  } catch (err) {
    if (err instanceof MonthUnavailableError) return none();
    throw err;
  }
}

const dayFigures = (date: string, l: ServiceAvailability): DayFigures => ({
  date,
  state: dayState(l),
  total_minutes: l.total_minutes,
  maintenance_minutes: l.maintenance_minutes,
  unavailable_minutes: l.unavailable_minutes,
  unmeasured_minutes: l.unmeasured_minutes,
  available_minutes: l.available_minutes,
  availability: l.availability,
});

/**
 * Computes the figures through the one PromQL client; days that are over are kept (they no longer
 * change), so a refresh asks for today and the month to date only.
 */
export class StatusFigureSource {
  private readonly pastDays = new Map<string, ServiceAvailability[]>();

  constructor(
    private readonly prometheus: Pick<PromqlClient, "instant" | "range">,
    private readonly objectives: readonly ObjectiveEntry[] = [],
    private readonly days = STATUS_DAYS,
  ) {}

  /** The figures at `nowMs`; throws PromqlError when Prometheus cannot answer. */
  async figures(nowMs: number): Promise<StatusFigures> {
    const days = statusDays(nowMs, this.days);
    let month: ReportMonth | null = null;
    try {
      month = monthToDate(nowMs);
    } catch (err) {
      if (!(err instanceof MonthUnavailableError)) throw err;
    }
    const asked = days.filter((d) => d.totalMinutes > 0 && !this.pastDays.has(d.label));
    const periods = month ? [...asked, month] : asked;
    const fetched = await new PromqlFetcher(this.prometheus).fetch(periods.map(availabilityNeed));
    const linesOf = new Map<string, ServiceAvailability[]>();
    for (const d of days) {
      const kept = this.pastDays.get(d.label);
      const lines = kept ?? periodLines(d, d.totalMinutes > 0 ? fetched.instant(availabilityNeed(d)) : undefined);
      linesOf.set(d.label, lines);
      if (!kept && d.asOfMs === undefined) this.pastDays.set(d.label, lines);
    }
    // forget the days that left the window
    const shown = new Set(days.map((d) => d.label));
    for (const label of this.pastDays.keys()) if (!shown.has(label)) this.pastDays.delete(label);
    const monthLines = month ? periodLines(month, fetched.instant(availabilityNeed(month))) : undefined;
    return {
      computedAtMs: nowMs,
      month: month ? { label: month.label, fromMs: month.fromMs, throughMs: month.toMs } : null,
      services: SERVICES.map((service) => {
        const line = monthLines?.find((l) => l.service === service);
        let monthToDate: MonthToDate | null = null;
        if (line && month) {
          const { service: _service, ...rest } = judgedBy(line, objectiveInForce(this.objectives, service, `${month.label}-01`).target);
          monthToDate = rest;
        }
        return {
          service,
          monthToDate,
          days: days.map((d) =>
            dayFigures(
              d.label,
              linesOf.get(d.label)!.find((l) => l.service === service)!,
            ),
          ),
        };
      }),
    };
  }
}
