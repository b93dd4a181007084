import { DateTime } from "luxon";
import { SERVICES, type Service } from "../config/services.js";
import { SLO_DELIVERY_DEADLINES, type DataService, type DeliveryDeadline } from "../energy-data/delivery-deadline.js";
import type { NoticeEvidence, NoticeStoreReader } from "../notices/notice-store.js";
import {
  energyDataNeeds,
  energyDataSection,
  type EnergyDataNeeds,
  type EnergyDataSeries,
  type ServiceDataQuality,
  type ServiceTimeToMarket,
} from "./energy-data-report.js";
import { callCenterFromSamples, callCenterNeed, hanFromSamples, hanNeed, type CallCenterSection, type HanSection } from "./market-figures-report.js";
import { assertMonthOver, availabilityNeed, availabilitySection, MonthUnavailableError, type MonthlyReport } from "./monthly-report.js";
import { outageRuns, type MinuteFlags, type ShortOutages } from "./outage-list.js";
import { incidentServices, minuteStateFlags, minuteStateNeeds, type MinuteStateNeeds } from "./minute-states.js";
import { declaredOutagesOverlap, withDeclaredOutages } from "./declared-outages.js";
import { noticeEvidencePeriod, outageNoticeIds } from "./outage-notices.js";
import { reservedWindowsNeed, reservedWindowsSection, type ReservedWindowsSection } from "./reserved-windows.js";
import { PRODUCTION_RULE_PARAMETERS } from "../rules/availability-rules.js";
import type { InstantSample, PromqlClient } from "./promql-client.js";
import { PromqlFetcher, type InstantNeed, type PromqlNeed } from "./promql-fetch.js";
import { reportMonth, ReportUsageError, type ReportMonth } from "./report-month.js";
import { judgedBy, objectiveMet, type ServiceAvailability } from "./service-availability.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { maintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import { DEFAULT_MAINTENANCE_EXCLUDE_POLICY } from "../config/maintenance-names.js";
import type { MaintenanceConfig } from "../config/maintenance-schema.js";
import type { ObjectiveEntry } from "../config/objectives-schema.js";
import type { IssuesFeedRead } from "../market-figures/market-issues.js";
import { issuesSection, type IssuesSection } from "./issues-report.js";
import {
  flagText,
  outageEvidence,
  type BusinessDayCalendar,
  type EvidenceFlag,
  type EvidenceNoticeEntry,
  type PlannedAnnouncement,
} from "./notice-evidence.js";
import { objectiveInForce, type ObjectiveInForce } from "./objectives.js";
import { AUDIENCE_SECTIONS, DEFAULT_AUDIENCE, type Audience } from "./report-audience.js";

/**
 * The committee report (SLO document, "Reporting"; issue 6): for a month or a year, per service the
 * availability against its objective (src/report/monthly-report.ts, unchanged), the outages with
 * their market-notice ids, the time to market and data quality of the energy data, the call-center
 * tickets by type and the HAN devices by status and TDSP territory. The JSON key order is the
 * contract of `report --format json`: the availability report's keys first.
 */

export interface OutageEntry {
  service: Service;
  kind: "unplanned" | "planned";
  start: string;
  end: string;
  start_central: string;
  end_central: string;
  minutes: number;
  /** unplanned: the unavailable minutes of the incident's part in the month (flapping: fewer than minutes). */
  unavailable_minutes: number;
  starts_before_month: boolean;
  ends_after_month: boolean;
  /** Market notices of the outage from the notifier's store; null when no store was given. */
  notice_ids: string[] | null;
  /** The same notices with their status and, once sent, their sent time; null when no store was given. */
  notices: EvidenceNoticeEntry[] | null;
  /** A planned window: whether it was announced 3 business days ahead; null for an unplanned outage or without a store. */
  announcement: PlannedAnnouncement | null;
}

/** Whom the report is for, and what it judged by: the keys that follow the availability report's. */
export interface ReportFrame {
  audience: Audience;
  audience_title: string;
  /** The objective each service was judged by (the one in force on the period's first day). */
  objectives: ObjectiveInForce[];
}

export interface CommitteeMonthReport extends MonthlyReport, ReportFrame {
  /** Unplanned outages longer than this are listed (and noticed to the market); shorter ones are summed. */
  outage_threshold_minutes: number;
  /**
   * The summary of the notice evidence: unplanned outages over the threshold without a sent notice,
   * planned windows announced late or not at all; null when no notice store was given.
   */
  evidence_flags: EvidenceFlag[] | null;
  outages: OutageEntry[];
  short_unplanned_outages: ShortOutages[];
  /** Reserved-window minutes with and without announced maintenance, and the exclude policy of the figures. */
  reserved_windows: ReservedWindowsSection;
  time_to_market: ServiceTimeToMarket[];
  data_quality: ServiceDataQuality[];
  call_center: CallCenterSection | null;
  han_devices: HanSection | null;
  /** Issues and change requests per service (the JDOA's report); null without a feed or for another audience. */
  issues: IssuesSection | null;
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

export interface CommitteeYearReport extends ReportFrame {
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
    /** The flags of every month (see CommitteeMonthReport.evidence_flags); null when no notice store was given. */
    evidence_flags: EvidenceFlag[] | null;
    /** Issues and change requests of the year up to the end of its last reported month. */
    issues: IssuesSection | null;
  };
}

/** Where a committee report reads from: built by the CLI and passed in. */
export interface CommitteeReportSources {
  /** The one PromQL client (src/report/promql-client.ts). */
  prometheus: Pick<PromqlClient, "instant" | "range">;
  /** The notifier's store, opened read-only, for notice ids (optional). */
  notices?: Pick<NoticeStoreReader, "noticeEvidence">;
  /** The issues and change-requests feed, read once by the CLI (optional). */
  issues?: IssuesFeedRead;
}

export interface CommitteeReportOptions {
  now?: () => number;
  outageThresholdMinutes?: number;
  /** Available minutes that end an outage incident (the rules' incidentRecoveryMinutes; default 5). */
  recoveryMinutes?: number;
  deadlines?: Readonly<Record<DataService, DeliveryDeadline>>;
  audience?: Audience;
  /** The config's `objectives:` (the SLO document's 99 % for every service when empty). */
  objectives?: readonly ObjectiveEntry[];
  /** The business days of the planned-notice rule (the config's maintenance holidays). */
  calendar?: BusinessDayCalendar;
  /** Progress lines for long runs (stderr). */
  progress?: (line: string) => void;
}

/** The zone's short name ("CST", "CDT") by UTC offset (minutes): luxon builds an Intl formatter for every "ZZZZ". */
const centralZoneNames = new Map<number, string>();

/** "2026-03-10 10:00 CDT": an instant in Central time, as the report shows it. */
export function centralTime(ms: number): string {
  const local = DateTime.fromMillis(ms, { zone: CENTRAL_TIME_ZONE });
  let zoneName = centralZoneNames.get(local.offset);
  if (zoneName === undefined) centralZoneNames.set(local.offset, (zoneName = local.toFormat("ZZZZ")));
  return `${local.toFormat("yyyy-LL-dd HH:mm")} ${zoneName}`;
}

/** The queries of a month's sections after availability (which decides whether the month is reported at all). */
export interface CommitteeMonthNeeds {
  minuteStates: MinuteStateNeeds;
  reservedWindows: InstantNeed;
  energy: EnergyDataNeeds;
  callCenter: InstantNeed;
  han: InstantNeed;
}

/**
 * What a month's sections need fetched, for a report run at `nowMs`; `incidentServices`: the
 * services with unavailable minutes in the month (incidentServices of the availability answer). Pure.
 */
export function committeeMonthNeeds(
  month: ReportMonth,
  nowMs: number,
  deadlines: Readonly<Record<DataService, DeliveryDeadline>> = SLO_DELIVERY_DEADLINES,
  incidentServices: readonly Service[] = SERVICES,
): CommitteeMonthNeeds {
  return {
    minuteStates: minuteStateNeeds(month, incidentServices),
    reservedWindows: reservedWindowsNeed(month),
    energy: energyDataNeeds(month, nowMs, deadlines),
    callCenter: callCenterNeed(month, nowMs),
    han: hanNeed(month),
  };
}

function needList(n: CommitteeMonthNeeds): PromqlNeed[] {
  const m = n.minuteStates;
  return [
    m.unavailable,
    m.maintenance,
    ...(m.notAvailable ? [m.notAvailable] : []),
    ...(m.unrecorded ? [m.unrecorded] : []),
    n.reservedWindows,
    n.energy.latest,
    n.energy.qualityDay,
    n.energy.qualityFigures,
    n.callCenter,
    n.han,
  ];
}

/** Everything fetched for one month: the answers to its needs and the notice store's evidence. */
export interface CommitteeMonthData {
  availability: readonly InstantSample[];
  /** The flags of each service's minutes around the month (minuteStateFlags of the minute-state answers). */
  minuteFlags: MinuteFlags;
  reservedWindows: readonly InstantSample[];
  energy: EnergyDataSeries;
  callCenter: readonly InstantSample[];
  han: readonly InstantSample[];
  /** null when no notice store was given. */
  notices: NoticeEvidence | null;
  /** The issues feed as read; absent or null when none is configured. */
  issues?: IssuesFeedRead | null;
}

/** How a month is computed: the CLI's options with their defaults applied. */
export interface CommitteeSettings {
  outageThresholdMinutes: number;
  /** Available minutes that end an outage incident (the rules' incidentRecoveryMinutes; default 5). */
  recoveryMinutes?: number;
  deadlines: Readonly<Record<DataService, DeliveryDeadline>>;
  audience?: Audience;
  objectives?: readonly ObjectiveEntry[];
  calendar?: BusinessDayCalendar;
}

/**
 * The `maintenance:` section's defaults (`maintenanceConfig.parse({})`, checked equal by
 * test/cli-lazy-commands.test.ts), written out: parsing them would load the config schema (zod)
 * in every `report` run (docs/performance.md, "Start-up").
 */
export const PLAIN_MAINTENANCE_CONFIG: MaintenanceConfig = {
  time_zone: CENTRAL_TIME_ZONE,
  exclude: DEFAULT_MAINTENANCE_EXCLUDE_POLICY,
  recurring: [],
  planned: [],
  holiday_set: "ercot",
  holidays: [],
};

/** The default calendar (ERCOT business days: the `ercot` holiday set, Central time) when the report has no config. */
const PLAIN_BUSINESS_DAYS: BusinessDayCalendar = maintenanceCalendar(PLAIN_MAINTENANCE_CONFIG);

/** The frame of a period starting on `firstDay` ("YYYY-MM-DD") for an audience. Pure. */
export function reportFrame(audience: Audience, objectives: readonly ObjectiveEntry[], firstDay: string): ReportFrame {
  const sections = AUDIENCE_SECTIONS[audience];
  return {
    audience,
    audience_title: sections.title,
    objectives: sections.services.map((service) => objectiveInForce(objectives, service, firstDay)),
  };
}

/**
 * The committee report of a month from its fetched data (the middle step: no I/O, no clock but
 * `nowMs`). Throws MonthUnavailableError when no minute of the month was recorded. Pure.
 */
export function committeeMonth(
  month: ReportMonth,
  nowMs: number,
  needs: CommitteeMonthNeeds,
  fetched: CommitteeMonthData,
  settings: CommitteeSettings,
): CommitteeMonthReport {
  // declared call-center outages count from their declared start (src/report/declared-outages.ts)
  const { data } = withDeclaredOutages(month, nowMs, fetched);
  const availability = availabilitySection(month, data.availability);
  const audience = settings.audience ?? DEFAULT_AUDIENCE;
  const sections = AUDIENCE_SECTIONS[audience];
  const frame = reportFrame(audience, settings.objectives ?? [], `${month.label}-01`);
  const threshold = settings.outageThresholdMinutes;
  const calendar = settings.calendar ?? PLAIN_BUSINESS_DAYS;
  const runs = outageRuns(data.minuteFlags, month, threshold, settings.recoveryMinutes);
  const flags: EvidenceFlag[] = [];
  const outages = runs.outages
    .filter((o) => sections.services.includes(o.service))
    .map((o): OutageEntry => {
      const evidence = data.notices ? outageEvidence(o, data.notices, calendar, threshold) : null;
      const entry: OutageEntry = {
        service: o.service,
        kind: o.kind,
        start: new Date(o.startMs).toISOString(),
        end: new Date(o.endMs).toISOString(),
        start_central: centralTime(o.startMs),
        end_central: centralTime(o.endMs),
        minutes: o.minutes,
        unavailable_minutes: o.unavailableMinutes,
        starts_before_month: o.startsBeforeMonth,
        ends_after_month: o.endsAfterMonth,
        notice_ids: data.notices ? outageNoticeIds(o, data.notices) : null,
        notices: evidence?.notices ?? null,
        announcement: evidence?.announcement ?? null,
      };
      if (evidence?.flag) {
        flags.push({
          service: o.service,
          kind: o.kind,
          start: entry.start,
          minutes: o.minutes,
          problem: evidence.flag,
          text: flagText(evidence.flag, entry, evidence.announcement?.lead_business_days ?? null),
        });
      }
      return entry;
    });
  const energy = energyDataSection(month, nowMs, needs.energy, data.energy, settings.deadlines);
  return {
    month: availability.month,
    timezone: availability.timezone,
    ...(availability.partial ? { partial: availability.partial } : {}),
    services: availability.services
      .filter((s) => sections.services.includes(s.service))
      .map((s) => judgedBy(s, frame.objectives.find((o) => o.service === s.service)!.target)),
    ...frame,
    outage_threshold_minutes: threshold,
    evidence_flags: data.notices ? flags : null,
    outages,
    short_unplanned_outages: runs.short.filter((s) => sections.services.includes(s.service)),
    reserved_windows: reservedWindowsSection(data.reservedWindows, sections.services),
    time_to_market: energy.time_to_market.filter((t) => sections.dataServices.includes(t.service)),
    data_quality: energy.data_quality.filter((q) => sections.dataServices.includes(q.service)),
    call_center: sections.callCenter ? callCenterFromSamples(month.label, data.callCenter) : null,
    han_devices: sections.hanDevices ? hanFromSamples(month.toMs, data.han) : null,
    issues: sections.issues && data.issues ? issuesSection(data.issues, month) : null,
  };
}

/**
 * Fetch, then compute: the availability of every month that is over (one request each, together),
 * then month by month the other queries of the months with recorded minutes and their pure
 * sections. Each step of a range is fetched once: a month's ranges reach into the next month's,
 * and the next month fetches only what follows (PromqlFetcher). Months that cannot be reported
 * come back with the reason.
 */
async function committeeMonths(
  months: readonly ReportMonth[],
  sources: CommitteeReportSources,
  options: CommitteeReportOptions,
): Promise<{ label: string; report?: CommitteeMonthReport; reason?: string }[]> {
  const nowMs = (options.now ?? Date.now)();
  const progress = options.progress ?? (() => {});
  const settings: CommitteeSettings = {
    outageThresholdMinutes: options.outageThresholdMinutes ?? 15,
    recoveryMinutes: options.recoveryMinutes ?? PRODUCTION_RULE_PARAMETERS.incidentRecoveryMinutes,
    deadlines: options.deadlines ?? SLO_DELIVERY_DEADLINES,
    audience: options.audience,
    objectives: options.objectives,
    calendar: options.calendar,
  };
  const fetcher = new PromqlFetcher(sources.prometheus);
  const reasons = new Map<string, string>();
  const unavailable = (month: ReportMonth, f: () => void) => {
    try {
      f();
      return false;
    } catch (err) {
      if (!(err instanceof MonthUnavailableError)) throw err;
      reasons.set(month.label, err.message);
      return true;
    }
  };
  const over = months.filter((m) => !unavailable(m, () => assertMonthOver(m, nowMs)));
  progress(`availability: the recorded minutes of ${over.length} month${over.length === 1 ? "" : "s"}`);
  const minutes = await fetcher.fetch(over.map(availabilityNeed));
  const recorded = new Set(over.filter((m) => !unavailable(m, () => availabilitySection(m, minutes.instant(availabilityNeed(m))))).map((m) => m.label));
  const results: { label: string; report?: CommitteeMonthReport; reason?: string }[] = [];
  for (const [i, month] of months.entries()) {
    if (months.length > 1) progress(`month ${i + 1}/${months.length}: ${month.label}`);
    if (!recorded.has(month.label)) {
      results.push({ label: month.label, reason: reasons.get(month.label)! });
      continue;
    }
    progress(`${month.label}: time to market and data quality, outages, call-center tickets and HAN devices`);
    const availability = minutes.instant(availabilityNeed(month));
    const period = noticeEvidencePeriod(month);
    const notices = sources.notices ? sources.notices.noticeEvidence(period.fromMs, period.toMs) : null;
    // a declared call-center outage needs all of the call center's minute states (src/report/declared-outages.ts)
    const withIncidents = incidentServices(availability);
    if (declaredOutagesOverlap(month, notices?.declaredOutages) && !withIncidents.includes("call_center")) withIncidents.push("call_center");
    const needs = committeeMonthNeeds(month, nowMs, settings.deadlines, withIncidents);
    const fetched = await fetcher.fetch(needList(needs));
    const data: CommitteeMonthData = {
      availability,
      minuteFlags: minuteStateFlags(needs.minuteStates, {
        unavailable: fetched.range(needs.minuteStates.unavailable),
        maintenance: fetched.range(needs.minuteStates.maintenance),
        notAvailable: needs.minuteStates.notAvailable ? fetched.range(needs.minuteStates.notAvailable) : [],
        unrecorded: needs.minuteStates.unrecorded ? fetched.range(needs.minuteStates.unrecorded) : [],
      }),
      reservedWindows: fetched.instant(needs.reservedWindows),
      energy: {
        latest: fetched.range(needs.energy.latest),
        qualityDay: fetched.range(needs.energy.qualityDay),
        qualityFigures: fetched.range(needs.energy.qualityFigures),
      },
      callCenter: fetched.instant(needs.callCenter),
      han: fetched.instant(needs.han),
      notices,
      issues: sources.issues ?? null,
    };
    results.push({ label: month.label, report: committeeMonth(month, nowMs, needs, data, settings) });
  }
  return results;
}

/** The committee report of one month; MonthUnavailableError when it cannot be reported. */
export async function committeeMonthReport(
  month: ReportMonth,
  sources: CommitteeReportSources,
  options: CommitteeReportOptions = {},
): Promise<CommitteeMonthReport> {
  const [result] = await committeeMonths([month], sources, options);
  if (!result?.report) throw new MonthUnavailableError(result?.reason ?? `${month.label} cannot be reported`);
  return result.report;
}

/** "YYYY" into its twelve months; throws ReportUsageError. */
export function reportYear(text: string): ReportMonth[] {
  if (!/^\d{4}$/.test(text) || Number(text) < 1970) throw new ReportUsageError("year", `expected a year as YYYY (e.g. 2026), got "${text}"`);
  return Array.from({ length: 12 }, (_, i) => reportMonth(`${text}-${String(i + 1).padStart(2, "0")}`));
}

/** The months of a year that can be reported; the others are listed with the reason. */
export async function committeeYearReport(year: string, sources: CommitteeReportSources, options: CommitteeReportOptions = {}): Promise<CommitteeYearReport> {
  const results = await committeeMonths(reportYear(year), sources, options);
  const months = results.flatMap((r) => (r.report ? [r.report] : []));
  const missing = results.flatMap((r) => (r.report ? [] : [{ month: r.label, reason: r.reason! }]));
  if (months.length === 0) throw new MonthUnavailableError(`no month of ${year} can be reported: ${missing.map((m) => m.reason).join("; ")}`);
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const frame = reportFrame(audience, options.objectives ?? [], `${year}-01-01`);
  const annual = annualSummary(months, frame.objectives);
  if (AUDIENCE_SECTIONS[audience].issues && sources.issues) {
    annual.issues = issuesSection(sources.issues, { fromMs: reportMonth(`${year}-01`).fromMs, toMs: reportMonth(months[months.length - 1]!.month).toMs });
  }
  return { year, timezone: CENTRAL_TIME_ZONE, ...frame, months, months_missing: missing, annual };
}

/** Sums of the months (availability over the year's minutes, not an average of ratios). Pure. */
export function annualSummary(months: readonly CommitteeMonthReport[], objectives?: readonly ObjectiveInForce[]): CommitteeYearReport["annual"] {
  const shown = SERVICES.filter((service) => months.some((m) => m.services.some((s) => s.service === service)));
  const services = shown.map((service): AnnualServiceAvailability => {
    const lines = months.map((m) => m.services.find((s) => s.service === service)).filter((s): s is ServiceAvailability => s !== undefined);
    const sum = (k: "total_minutes" | "maintenance_minutes" | "unavailable_minutes" | "unmeasured_minutes" | "available_minutes") =>
      lines.reduce((n, l) => n + l[k], 0);
    const total = sum("total_minutes");
    const maintenance = sum("maintenance_minutes");
    const available = sum("available_minutes");
    const counted = total - maintenance;
    const target = objectives?.find((o) => o.service === service)?.target ?? lines[0]?.objective ?? objectiveInForce([], service, "1970-01-01").target;
    return {
      service,
      months: lines.length,
      total_minutes: total,
      maintenance_minutes: maintenance,
      unavailable_minutes: sum("unavailable_minutes"),
      unmeasured_minutes: sum("unmeasured_minutes"),
      available_minutes: available,
      availability: counted > 0 ? available / counted : null,
      objective: target,
      met: objectiveMet(available, counted, target),
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
    evidence_flags: months.some((m) => m.evidence_flags !== null) ? months.flatMap((m) => m.evidence_flags ?? []) : null,
    issues: null,
  };
}
