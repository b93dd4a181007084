import { DateTime } from "luxon";
import { SERVICES, type Service } from "../config/services.js";
import { SLO_DELIVERY_DEADLINES, type DataService, type DeliveryDeadline } from "../energy-data/delivery-deadline.js";
import { energyDataSection, type ServiceDataQuality, type ServiceTimeToMarket } from "./energy-data-report.js";
import { callCenterSection, hanSection, type CallCenterSection, type HanSection } from "./market-figures-report.js";
import { monthlyReport, MonthUnavailableError, type MonthlyReport } from "./monthly-report.js";
import type { NoticeLookup } from "./notice-lookup.js";
import { outageRuns, recordedMinuteFlags, type ShortOutages } from "./outage-list.js";
import type { PrometheusQueryOptions } from "./prometheus-query.js";
import { reportMonth, ReportUsageError, type ReportMonth } from "./report-month.js";
import { AVAILABILITY_OBJECTIVE, AVAILABILITY_OBJECTIVE_PERCENT, type ServiceAvailability } from "./service-availability.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The committee report (SLO document, "Reporting"; issue 6): for a month or a year, per service the
 * availability against its objective (src/report/monthly-report.ts, unchanged), the outages with
 * their market-notice ids, the time to market and data quality of the energy data, the call-center
 * tickets by type and the HAN devices by status and TDSP territory. The JSON key order is the
 * contract of `report --format json`: the availability report's keys first.
 */

const MINUTE_MS = 60_000;

export interface OutageEntry {
  service: Service;
  kind: "unplanned" | "planned";
  start: string;
  end: string;
  start_central: string;
  end_central: string;
  minutes: number;
  starts_before_month: boolean;
  ends_after_month: boolean;
  /** Market notices of the outage from the notifier's store; null when no store was given. */
  notice_ids: string[] | null;
}

export interface CommitteeMonthReport extends MonthlyReport {
  /** Unplanned outages longer than this are listed (and noticed to the market); shorter ones are summed. */
  outage_threshold_minutes: number;
  outages: OutageEntry[];
  short_unplanned_outages: ShortOutages[];
  time_to_market: ServiceTimeToMarket[];
  data_quality: ServiceDataQuality[];
  call_center: CallCenterSection | null;
  han_devices: HanSection | null;
}

export interface AnnualServiceAvailability {
  service: Service;
  months: number;
  total_minutes: number;
  maintenance_minutes: number;
  unavailable_minutes: number;
  unmeasured_minutes: number;
  available_minutes: number;
  availability: number | null;
  objective: number;
  met: boolean | null;
  /** Months whose availability met the objective, of the months reported. */
  months_met: number;
}

export interface CommitteeYearReport {
  year: string;
  timezone: string;
  months: CommitteeMonthReport[];
  /** Months that could not be reported, and why (not over yet, no data). */
  months_missing: { month: string; reason: string }[];
  annual: {
    services: AnnualServiceAvailability[];
    unplanned_outages: number;
    unplanned_outage_minutes: number;
    time_to_market: { service: DataService; on_time: number; late: number; missing: number; unmeasured: number; share_on_time: number | null }[];
    data_quality: {
      service: DataService;
      days_measured: number;
      expected: number;
      received: number;
      missing: number;
      duplicate: number;
      negative: number;
      estimated: number;
      completeness: number | null;
      estimated_share: number | null;
    }[];
    call_center: { total: number; by_month: { month: string; tickets: number }[]; by_type: { type: string; tickets: number }[] } | null;
  };
}

export interface CommitteeReportOptions extends PrometheusQueryOptions {
  now?: () => number;
  /** The notifier's store, for notice ids (optional). */
  notices?: NoticeLookup;
  outageThresholdMinutes?: number;
  deadlines?: Readonly<Record<DataService, DeliveryDeadline>>;
  /** Progress lines for long runs (stderr). */
  progress?: (line: string) => void;
}

export function centralTime(ms: number): string {
  return DateTime.fromMillis(ms, { zone: CENTRAL_TIME_ZONE }).toFormat("yyyy-LL-dd HH:mm ZZZZ");
}

export async function committeeMonthReport(month: ReportMonth, options: CommitteeReportOptions): Promise<CommitteeMonthReport> {
  const now = options.now ?? Date.now;
  const progress = options.progress ?? (() => {});
  const threshold = options.outageThresholdMinutes ?? 15;
  progress(`${month.label}: availability`);
  const availability = await monthlyReport({ ...options, month, now });
  progress(`${month.label}: outages`);
  const flags = await recordedMinuteFlags(options, month.fromMs - MINUTE_MS, month.toMs + MINUTE_MS);
  const runs = outageRuns(flags, month, threshold);
  const outages = runs.outages.map((o): OutageEntry => ({
    service: o.service,
    kind: o.kind,
    start: new Date(o.startMs).toISOString(),
    end: new Date(o.endMs).toISOString(),
    start_central: centralTime(o.startMs),
    end_central: centralTime(o.endMs),
    minutes: o.minutes,
    starts_before_month: o.startsBeforeMonth,
    ends_after_month: o.endsAfterMonth,
    notice_ids: options.notices ? options.notices.noticeIds(o) : null,
  }));
  progress(`${month.label}: time to market and data quality`);
  const energy = await energyDataSection(options, month, now(), options.deadlines ?? SLO_DELIVERY_DEADLINES);
  progress(`${month.label}: call-center tickets and HAN devices`);
  const [callCenter, han] = await Promise.all([callCenterSection(options, month, now()), hanSection(options, month)]);
  return {
    ...availability,
    outage_threshold_minutes: threshold,
    outages,
    short_unplanned_outages: runs.short,
    time_to_market: energy.time_to_market,
    data_quality: energy.data_quality,
    call_center: callCenter,
    han_devices: han,
  };
}

/** "YYYY" into its twelve months; throws ReportUsageError. */
export function reportYear(text: string): ReportMonth[] {
  if (!/^\d{4}$/.test(text) || Number(text) < 1970) throw new ReportUsageError(`--year: expected a year as YYYY (e.g. 2026), got "${text}"`);
  return Array.from({ length: 12 }, (_, i) => reportMonth(`${text}-${String(i + 1).padStart(2, "0")}`));
}

/** The months of a year that can be reported; the others are listed with the reason. */
export async function committeeYearReport(year: string, options: CommitteeReportOptions): Promise<CommitteeYearReport> {
  const months: CommitteeMonthReport[] = [];
  const missing: { month: string; reason: string }[] = [];
  const list = reportYear(year);
  for (const [i, month] of list.entries()) {
    options.progress?.(`month ${i + 1}/12: ${month.label}`);
    try {
      months.push(await committeeMonthReport(month, options));
    } catch (err) {
      if (!(err instanceof MonthUnavailableError)) throw err;
      missing.push({ month: month.label, reason: err.message });
    }
  }
  if (months.length === 0) throw new MonthUnavailableError(`no month of ${year} can be reported: ${missing.map((m) => m.reason).join("; ")}`);
  return { year, timezone: CENTRAL_TIME_ZONE, months, months_missing: missing, annual: annualSummary(months) };
}

/** Sums of the months (availability over the year's minutes, not an average of ratios). Pure. */
export function annualSummary(months: readonly CommitteeMonthReport[]): CommitteeYearReport["annual"] {
  const services = SERVICES.map((service): AnnualServiceAvailability => {
    const lines = months.map((m) => m.services.find((s) => s.service === service)).filter((s): s is ServiceAvailability => s !== undefined);
    const sum = (k: "total_minutes" | "maintenance_minutes" | "unavailable_minutes" | "unmeasured_minutes" | "available_minutes") =>
      lines.reduce((n, l) => n + l[k], 0);
    const total = sum("total_minutes");
    const maintenance = sum("maintenance_minutes");
    const available = sum("available_minutes");
    const counted = total - maintenance;
    return {
      service,
      months: lines.length,
      total_minutes: total,
      maintenance_minutes: maintenance,
      unavailable_minutes: sum("unavailable_minutes"),
      unmeasured_minutes: sum("unmeasured_minutes"),
      available_minutes: available,
      availability: counted > 0 ? available / counted : null,
      objective: AVAILABILITY_OBJECTIVE,
      met: counted > 0 ? available * 100 > AVAILABILITY_OBJECTIVE_PERCENT * counted : null,
      months_met: lines.filter((l) => l.met === true).length,
    };
  });
  const unplanned = months.flatMap((m) => m.outages.filter((o) => o.kind === "unplanned"));
  const ttmServices = [...new Set(months.flatMap((m) => m.time_to_market.map((t) => t.service)))];
  const time_to_market = ttmServices.map((service) => {
    const rows = months.flatMap((m) => m.time_to_market.filter((t) => t.service === service));
    const n = (k: "on_time" | "late" | "missing" | "unmeasured") => rows.reduce((a, r) => a + r[k], 0);
    const counted = n("on_time") + n("late") + n("missing");
    return {
      service,
      on_time: n("on_time"),
      late: n("late"),
      missing: n("missing"),
      unmeasured: n("unmeasured"),
      share_on_time: counted > 0 ? n("on_time") / counted : null,
    };
  });
  const dqServices = [...new Set(months.flatMap((m) => m.data_quality.map((q) => q.service)))];
  const data_quality = dqServices.map((service) => {
    const rows = months.flatMap((m) => m.data_quality.filter((q) => q.service === service));
    const n = (k: "days_measured" | "expected" | "received" | "missing" | "duplicate" | "negative" | "estimated") => rows.reduce((a, r) => a + r[k], 0);
    return {
      service,
      days_measured: n("days_measured"),
      expected: n("expected"),
      received: n("received"),
      missing: n("missing"),
      duplicate: n("duplicate"),
      negative: n("negative"),
      estimated: n("estimated"),
      completeness: n("expected") > 0 ? (n("received") - n("duplicate")) / n("expected") : null,
      estimated_share: n("received") > 0 ? n("estimated") / n("received") : null,
    };
  });
  const cc = months.map((m) => m.call_center).filter((c): c is CallCenterSection => c !== null);
  let call_center: CommitteeYearReport["annual"]["call_center"] = null;
  if (cc.length > 0) {
    const byType = new Map<string, number>();
    for (const c of cc) for (const t of c.by_type) byType.set(t.type, (byType.get(t.type) ?? 0) + t.tickets);
    call_center = {
      total: cc.reduce((n, c) => n + c.total, 0),
      by_month: cc.map((c) => ({ month: c.month, tickets: c.total })),
      by_type: [...byType].map(([type, tickets]) => ({ type, tickets })).sort((a, b) => b.tickets - a.tickets || a.type.localeCompare(b.type)),
    };
  }
  return {
    services,
    unplanned_outages: unplanned.length,
    unplanned_outage_minutes: unplanned.reduce((n, o) => n + o.minutes, 0),
    time_to_market,
    data_quality,
    call_center,
  };
}
