import { tdspName } from "../market-figures/tdsp-territory.js";
import { centralTime, type CommitteeMonthReport, type CommitteeYearReport, type OutageEntry, type ReportFrame } from "./committee-report.js";
import type { ServiceTimeToMarket } from "./energy-data-report.js";
import type { EvidenceFlag } from "./notice-evidence.js";
import type { IssuesSection } from "./issues-report.js";
import { AUDIENCE_SECTIONS } from "./report-audience.js";
import { formatMonthlyReport, type ReportFormat } from "./report-format.js";
import { excludePolicySentence } from "./reserved-windows.js";

/**
 * The committee report as text: `table` (terminal), `md`, `csv` and `json`. The availability block is
 * the monthly availability report's own text (src/report/report-format.ts); the committee's sections
 * follow it. CSV holds one table per section, separated by a blank line, each with its header row.
 */
export type TextFormat = ReportFormat;

const pct = (x: number | null, digits = 1) => (x === null ? "n/a" : `${(x * 100).toFixed(digits)} %`);
import { callCenterSentence, callCenterSummary } from "./call-center-summary.js";

const SERVICE_NAMES: Record<string, string> = { gui: "GUI", api: "API", ftps: "SFTP/FTPS", han: "HAN", call_center: "Call center" };
export const serviceName = (s: string) => SERVICE_NAMES[s] ?? s;

/** The month's time-to-market table (text and HTML): its columns and one service's cells. */
export const TIME_TO_MARKET_HEADERS = ["service", "deadline", "days", "on time", "late", "missing", "unmeasured", "pending", "share on time"];
export const timeToMarketCells = (t: ServiceTimeToMarket): string[] => [
  serviceName(t.service),
  t.deadline,
  String(t.days),
  String(t.on_time),
  String(t.late),
  String(t.missing),
  String(t.unmeasured),
  String(t.pending),
  pct(t.share_on_time),
];

/** The year's time-to-market table (text and HTML): its columns and one service's cells. */
export const YEAR_TIME_TO_MARKET_HEADERS = ["service", "on time", "late", "missing", "unmeasured", "share on time"];
export const yearTimeToMarketCells = (t: CommitteeYearReport["annual"]["time_to_market"][number]): string[] => [
  serviceName(t.service),
  String(t.on_time),
  String(t.late),
  String(t.missing),
  String(t.unmeasured),
  pct(t.share_on_time),
];

/** The data-quality table (month and year, text and HTML): its columns and one service's cells; `count` writes the interval counts. */
export const DATA_QUALITY_HEADERS = ["service", "days", "expected", "received", "missing", "duplicate", "negative", "estimated", "complete", "estimated share"];
export const dataQualityCells = (q: CommitteeYearReport["annual"]["data_quality"][number], count: (n: number) => string = String): string[] => [
  serviceName(q.service),
  String(q.days_measured),
  count(q.expected),
  count(q.received),
  count(q.missing),
  count(q.duplicate),
  count(q.negative),
  count(q.estimated),
  pct(q.completeness, 2),
  pct(q.estimated_share, 2),
];

interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Columns aligned left (the others right). */
  left?: number[];
  note?: string;
}

function renderTable(t: Table, format: "table" | "md"): string {
  const left = new Set(t.left ?? [0]);
  if (format === "md") {
    const esc = (c: string) => c.replace(/\|/g, "\\|");
    return [
      `### ${t.title}`,
      "",
      ...(t.rows.length === 0
        ? ["(none)"]
        : [
            `| ${t.headers.map(esc).join(" | ")} |`,
            `|${t.headers.map((_, i) => (left.has(i) ? "---" : "---:")).join("|")}|`,
            ...t.rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
          ]),
      ...(t.note ? ["", t.note] : []),
      "",
    ].join("\n");
  }
  const all = [t.headers, ...t.rows];
  const widths = t.headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [t.title, "", ...(t.rows.length === 0 ? ["(none)"] : [line(t.headers), ...t.rows.map(line)]), ...(t.note ? ["", t.note] : []), ""].join("\n");
}

function csvCell(v: string | number | boolean | null): string {
  const s = v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvTable(headers: string[], rows: (string | number | boolean | null)[][]): string {
  return [headers.join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\n");
}

/** A notice as evidence, in words: "SMT-M-A031026-01 INITIAL sent 2026-03-10T15:20:00.000Z"; a draft never reads as sent. */
export function noticeText(n: { id: string; kind: string; status: string; sent_at: string | null }, time: (iso: string) => string = (iso) => iso): string {
  const status =
    n.status === "sent"
      ? n.sent_at
        ? `sent ${time(n.sent_at)}`
        : "sent, time not recorded"
      : n.status === "approved"
        ? "approved, NOT SENT"
        : "draft, NOT SENT";
  return `${n.id} ${n.kind} ${status}`;
}

/** A sent time as the committee reads it: Central time to the minute. */
export const sentCentral = (iso: string) => centralTime(Date.parse(iso));

/** The notices of an outage in a table cell. */
export function noticesCell(o: OutageEntry): string {
  if (o.notices === null) return "(no store)";
  return o.notices.map((n) => noticeText(n, sentCentral)).join("; ") || "none";
}

/** Whether a planned window was announced 3 business days ahead, in words. */
export function announcementText(o: OutageEntry): string {
  const a = o.announcement;
  if (!a) return "";
  const days = a.lead_business_days === null ? "" : ` (${a.lead_business_days} business day${a.lead_business_days === 1 ? "" : "s"} ahead)`;
  return { met: "met", missed: "MISSED", not_sent: "NOT SENT", not_required: "not required" }[a.rule] + days;
}

/** The frame's line: whom the report is for and the objectives it judged by. */
export function objectivesText(r: ReportFrame): string {
  return `Objectives used: ${r.objectives
    .map((o) => `${serviceName(o.service)} over ${+(o.target * 100).toFixed(4)} % (${o.from === null ? "SLO document" : `in force from ${o.from}`})`)
    .join("; ")}.`;
}

function flagsTable(flags: EvidenceFlag[] | null, period: string): Table {
  return {
    title: `Notice evidence, ${period}: ${flags === null ? "no notice store given" : `${flags.length} flagged`}`,
    headers: ["service", "kind", "start", "minutes", "problem"],
    left: [0, 1, 2, 4],
    rows: (flags ?? []).map((f) => [serviceName(f.service), f.kind, f.start, String(f.minutes), f.text]),
    note:
      flags === null
        ? "Give --notices (the notifier's store) to check the market notices of the outages."
        : "Flagged: unplanned outages over the threshold without a sent notice; planned maintenance announced fewer than 3 business days ahead, or not announced.",
  };
}

function issuesTables(issues: IssuesSection, period: string): Table[] {
  const note = [
    issues.read_error ? `The feed could not be read: ${issues.read_error}.` : "",
    issues.bad_rows.length ? `Rows left out (${issues.bad_rows.length}): ${issues.bad_rows.join("; ")}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return [
    {
      title: `Issues and change requests, ${period} (feed ${issues.origin})`,
      headers: ["service", "issues opened", "CRs opened", "issues closed", "CRs closed", "issues open", "CRs open"],
      rows: issues.read_error
        ? []
        : issues.by_service.map((c) => [
            serviceName(c.service),
            String(c.opened_issues),
            String(c.opened_change_requests),
            String(c.closed_issues),
            String(c.closed_change_requests),
            String(c.open_issues),
            String(c.open_change_requests),
          ]),
      note: note || undefined,
    },
    {
      title: `Open issues and change requests at the end of ${period}`,
      headers: ["service", "id", "kind", "status", "opened", "age (days)", "title"],
      left: [0, 1, 2, 3, 4, 6],
      rows: issues.open.map((i) => [serviceName(i.service), i.id, i.kind, i.status, i.opened, String(i.age_days), i.title]),
    },
  ];
}

/** The committee's tables of one month (after the availability block). */
function monthTables(r: CommitteeMonthReport): Table[] {
  const tables: Table[] = [];
  const sections = AUDIENCE_SECTIONS[r.audience];
  const noticed = r.outages.filter((o) => o.kind === "unplanned");
  tables.push(flagsTable(r.evidence_flags, r.month));
  tables.push({
    title: `Outages, ${r.month}: unplanned over ${r.outage_threshold_minutes} minutes (${noticed.length}) and planned maintenance windows`,
    headers: [
      "service",
      "kind",
      "start (Central)",
      "end (Central)",
      "minutes",
      "unavailable",
      "notices (status, sent time)",
      "announced 3 business days ahead",
    ],
    left: [0, 1, 2, 3, 6, 7],
    rows: r.outages.map((o) => [
      serviceName(o.service),
      o.kind,
      `${o.starts_before_month ? "(before) " : ""}${o.start_central}`,
      `${o.end_central}${o.ends_after_month ? " (after)" : ""}`,
      String(o.minutes),
      String(o.unavailable_minutes),
      noticesCell(o),
      announcementText(o),
    ]),
    note: `Shorter unplanned outages: ${r.short_unplanned_outages.map((s) => `${serviceName(s.service)} ${s.count} (${s.minutes} min)`).join(", ")}.`,
  });
  tables.push(reservedWindowsTable(r));
  tables.push({
    title: `Time to market, ${r.month}: usage days available by the deadline (FTPS 23:00 on D+1; GUI and API 06:00 on D+2, Central)`,
    headers: TIME_TO_MARKET_HEADERS,
    left: [0, 1],
    rows: r.time_to_market.map(timeToMarketCells),
    note:
      r.time_to_market.length === 0
        ? "No energy-data check was recorded in this month."
        : (() => {
            const bad = r.time_to_market.flatMap((t) =>
              t.days_detail
                .filter((d) => d.status === "late" || d.status === "missing")
                .map((d) => `${serviceName(t.service)} ${d.usage_day} ${d.status === "late" ? `late by ${d.minutes_late} min` : "missing"}`),
            );
            return bad.length ? `Late or missing: ${bad.join("; ")}.` : "No late or missing usage day.";
          })(),
  });
  tables.push({
    title: `Data quality, ${r.month}: 15-minute intervals of the canary ESIIDs (96 a day; 92 and 100 on DST days)`,
    headers: DATA_QUALITY_HEADERS,
    rows: r.data_quality.map((q) => dataQualityCells(q)),
    note:
      r.data_quality.length === 0
        ? "No data-quality observation was recorded in this month."
        : (() => {
            const days = r.data_quality.flatMap((q) =>
              q.days_with_issues.map(
                (d) =>
                  `${serviceName(q.service)} ${d.usage_day} (${[d.missing && `${d.missing} missing`, d.duplicate && `${d.duplicate} duplicate`, d.negative && `${d.negative} negative`].filter(Boolean).join(", ")})`,
              ),
            );
            return days.length ? `Days with flaws: ${days.join("; ")}.` : "No day with a missing, duplicate or negative interval.";
          })(),
  });
  const cc = r.call_center;
  const ccSummary = sections.callCenter ? callCenterSummary(r) : null;
  if (ccSummary) {
    tables.push({
      title: callCenterSentence(ccSummary, r.month, pct),
      headers: ["kind", "start (Central)", "end (Central)", "minutes", "unavailable", "notices (status, sent time)"],
      left: [0, 1, 2, 5],
      rows: ccSummary.outages.map((o) => [
        o.kind,
        `${o.starts_before_month ? "(before) " : ""}${o.start_central}`,
        `${o.end_central}${o.ends_after_month ? " (after)" : ""}`,
        String(o.minutes),
        String(o.unavailable_minutes),
        noticesCell(o),
      ]),
    });
  }
  if (sections.callCenter) {
    tables.push({
      title: `Call-center tickets, ${r.month}: ${cc ? `${cc.total} in total` : "no figures recorded"}`,
      headers: ["type", "tickets", "share"],
      rows: cc ? cc.by_type.map((t) => [t.type, String(t.tickets), pct(cc.total ? t.tickets / cc.total : null)]) : [],
    });
  }
  const han = r.han_devices;
  if (!sections.hanDevices) {
    // not for this audience
  } else if (han) {
    const tdsps = han.by_tdsp.map((t) => t.tdsp);
    const statuses = han.by_status.map((s) => s.status);
    const cell = (status: string, tdsp: string) => han.by_status_and_tdsp.find((e) => e.status === status && e.tdsp === tdsp)?.devices ?? 0;
    tables.push({
      title: `HAN devices at the end of ${r.month}, by status and TDSP territory: ${han.total} in total`,
      headers: ["status", ...tdsps.map(tdspName), "total"],
      rows: [
        ...statuses.map((s) => [s, ...tdsps.map((t) => String(cell(s, t))), String(han.by_status.find((x) => x.status === s)!.devices)]),
        ["total", ...han.by_tdsp.map((t) => String(t.devices)), String(han.total)],
      ],
    });
  } else {
    tables.push({ title: `HAN devices at the end of ${r.month}: no figures recorded`, headers: ["status"], rows: [] });
  }
  if (sections.issues) {
    if (r.issues) tables.push(...issuesTables(r.issues, r.month));
    else tables.push({ title: `Issues and change requests, ${r.month}: no feed configured (report.issues)`, headers: ["service"], rows: [] });
  }
  return tables;
}

function flagsCsv(flags: EvidenceFlag[] | null, period: string): string {
  return csvTable(
    ["period", "evidence_service", "kind", "start", "minutes", "problem", "text"],
    (flags ?? []).map((f) => [period, f.service, f.kind, f.start, f.minutes, f.problem, f.text]),
  );
}

function objectivesCsv(r: ReportFrame, period: string): string {
  return csvTable(
    ["period", "objective_service", "target", "from", "audience"],
    r.objectives.map((o) => [period, o.service, o.target, o.from, r.audience]),
  );
}

function issuesCsv(issues: IssuesSection | null, period: string): string[] {
  if (!issues) return [];
  return [
    csvTable(
      [
        "period",
        "issue_service",
        "opened_issues",
        "opened_change_requests",
        "closed_issues",
        "closed_change_requests",
        "open_issues",
        "open_change_requests",
        "read_error",
      ],
      issues.read_error
        ? [[period, null, null, null, null, null, null, null, issues.read_error]]
        : issues.by_service.map((c) => [
            period,
            c.service,
            c.opened_issues,
            c.opened_change_requests,
            c.closed_issues,
            c.closed_change_requests,
            c.open_issues,
            c.open_change_requests,
            null,
          ]),
    ),
    csvTable(
      ["period", "open_issue_id", "service", "kind", "status", "opened", "age_days", "title"],
      issues.open.map((i) => [period, i.id, i.service, i.kind, i.status, i.opened, i.age_days, i.title]),
    ),
    csvTable(
      ["period", "issues_bad_row"],
      issues.bad_rows.map((b) => [period, b]),
    ),
  ];
}

function monthCsvSections(r: CommitteeMonthReport): string[] {
  const m = r.month;
  return [
    objectivesCsv(r, m),
    flagsCsv(r.evidence_flags, m),
    csvTable(
      [
        "month",
        "outage_service",
        "kind",
        "start",
        "end",
        "minutes",
        "unavailable_minutes",
        "starts_before_month",
        "ends_after_month",
        "notice_ids",
        "notices",
        "announcement",
        "lead_business_days",
      ],
      r.outages.map((o) => [
        m,
        o.service,
        o.kind,
        o.start,
        o.end,
        o.minutes,
        o.unavailable_minutes,
        o.starts_before_month,
        o.ends_after_month,
        o.notice_ids === null ? null : o.notice_ids.join(" "),
        o.notices === null ? null : o.notices.map((n) => noticeText(n)).join("; "),
        o.announcement?.rule ?? null,
        o.announcement?.lead_business_days ?? null,
      ]),
    ),
    csvTable(
      ["month", "short_outage_service", "count", "minutes"],
      r.short_unplanned_outages.map((s) => [m, s.service, s.count, s.minutes]),
    ),
    csvTable(
      ["month", "reserved_service", "reserved_minutes", "announced_minutes", "unannounced_minutes", "exclude_policy"],
      r.reserved_windows.services.map((x) => [
        m,
        x.service,
        x.reserved_minutes,
        x.announced_minutes,
        x.unannounced_minutes,
        r.reserved_windows.exclude_policies.join(" ") || null,
      ]),
    ),
    csvTable(
      ["month", "delivery_service", "usage_day", "deadline", "status", "delivered_at", "minutes_late"],
      r.time_to_market.flatMap((t) => t.days_detail.map((d) => [m, t.service, d.usage_day, d.deadline, d.status, d.delivered_at, d.minutes_late])),
    ),
    csvTable(
      ["month", "quality_service", "days_measured", "expected", "received", "missing", "duplicate", "negative", "estimated", "completeness", "estimated_share"],
      r.data_quality.map((q) => [
        m,
        q.service,
        q.days_measured,
        q.expected,
        q.received,
        q.missing,
        q.duplicate,
        q.negative,
        q.estimated,
        q.completeness,
        q.estimated_share,
      ]),
    ),
    csvTable(
      ["month", "ticket_type", "tickets"],
      (r.call_center?.by_type ?? []).map((t) => [m, t.type, t.tickets]),
    ),
    csvTable(
      ["month", "han_status", "tdsp", "devices"],
      (r.han_devices?.by_status_and_tdsp ?? []).map((e) => [m, e.status, e.tdsp, e.devices]),
    ),
    ...issuesCsv(r.issues, m),
  ];
}

export function formatCommitteeMonth(r: CommitteeMonthReport, format: TextFormat): string {
  if (format === "json") return `${JSON.stringify(r, null, 2)}\n`;
  const availability = formatMonthlyReport(
    { month: r.month, timezone: r.timezone, ...(r.partial ? { partial: r.partial } : {}), services: r.services },
    format,
  );
  if (format === "csv") return `${availability}\n${monthCsvSections(r).join("\n\n")}\n`;
  const heading =
    format === "md"
      ? `# SMT service-level report, ${r.month}\n\nFor the ${r.audience_title}. Times in Central time (${r.timezone}).\n\n`
      : `SMT service-level report, ${r.month}, for the ${r.audience_title}\n\n`;
  return `${heading}${availability}\n${objectivesText(r)}\n\n${monthTables(r)
    .map((t) => renderTable(t, format))
    .join("\n")}`;
}

export function formatCommitteeYear(r: CommitteeYearReport, format: TextFormat): string {
  if (format === "json") return `${JSON.stringify(r, null, 2)}\n`;
  const a = r.annual;
  const availabilityRows = a.services.map((s) => [
    serviceName(s.service),
    String(s.months),
    String(s.total_minutes),
    String(s.maintenance_minutes),
    String(s.unavailable_minutes),
    String(s.unmeasured_minutes),
    String(s.available_minutes),
    pct(s.availability, 3),
    `${s.met === null ? "n/a" : s.met ? "met" : "MISSED"} (over ${+(s.objective * 100).toFixed(4)} %)`,
    `${s.months_met}/${s.months}`,
  ]);
  if (format === "csv") {
    return `${[
      csvTable(
        [
          "month",
          "service",
          "total_minutes",
          "maintenance_minutes",
          "unavailable_minutes",
          "unmeasured_minutes",
          "available_minutes",
          "availability",
          "objective",
          "met",
        ],
        [
          ...r.months.flatMap((mr) =>
            mr.services.map((s) => [
              mr.month,
              s.service,
              s.total_minutes,
              s.maintenance_minutes,
              s.unavailable_minutes,
              s.unmeasured_minutes,
              s.available_minutes,
              s.availability,
              s.objective,
              s.met,
            ]),
          ),
          ...a.services.map((s) => [
            r.year,
            s.service,
            s.total_minutes,
            s.maintenance_minutes,
            s.unavailable_minutes,
            s.unmeasured_minutes,
            s.available_minutes,
            s.availability,
            s.objective,
            s.met,
          ]),
        ],
      ),
      csvTable(
        ["year", "delivery_service", "on_time", "late", "missing", "unmeasured", "share_on_time"],
        a.time_to_market.map((t) => [r.year, t.service, t.on_time, t.late, t.missing, t.unmeasured, t.share_on_time]),
      ),
      csvTable(
        [
          "year",
          "quality_service",
          "days_measured",
          "expected",
          "received",
          "missing",
          "duplicate",
          "negative",
          "estimated",
          "completeness",
          "estimated_share",
        ],
        a.data_quality.map((q) => [
          r.year,
          q.service,
          q.days_measured,
          q.expected,
          q.received,
          q.missing,
          q.duplicate,
          q.negative,
          q.estimated,
          q.completeness,
          q.estimated_share,
        ]),
      ),
      objectivesCsv(r, r.year),
      flagsCsv(a.evidence_flags, r.year),
      ...issuesCsv(a.issues, r.year),
      ...r.months.flatMap((mr) => monthCsvSections(mr)),
    ].join("\n\n")}\n`;
  }
  const sections = AUDIENCE_SECTIONS[r.audience];
  const tables: Table[] = [
    {
      title: `SMT availability, ${r.year} (${r.timezone}): minutes of the reported months; availability = available / (total - maintenance)`,
      headers: ["service", "months", "total", "maintenance", "unavailable", "unmeasured", "available", "availability", "objective met", "months met"],
      rows: availabilityRows,
      note: `${objectivesText(r)}${r.months_missing.length ? ` Not reported: ${r.months_missing.map((x) => x.month).join(", ")}.` : ""}`,
    },
    flagsTable(a.evidence_flags, r.year),
    {
      title: `Monthly availability, ${r.year}`,
      headers: ["month", ...a.services.map((s) => serviceName(s.service))],
      rows: r.months.map((mr) => [mr.month, ...a.services.map((s) => pct(mr.services.find((x) => x.service === s.service)?.availability ?? null, 3))]),
    },
    {
      title: `Unplanned outages over the threshold, ${r.year}: ${a.unplanned_outages} (${a.unplanned_outage_minutes} minutes)`,
      headers: ["service", "start (Central)", "minutes", "notices (status, sent time)"],
      left: [0, 1, 3],
      rows: r.months.flatMap((mr) =>
        mr.outages.filter((o) => o.kind === "unplanned").map((o) => [serviceName(o.service), o.start_central, String(o.minutes), noticesCell(o)]),
      ),
    },
    {
      title: `Planned maintenance, ${r.year}: announced 3 business days ahead`,
      headers: ["service", "start (Central)", "minutes", "notices (status, sent time)", "announced 3 business days ahead"],
      left: [0, 1, 3, 4],
      rows: r.months.flatMap((mr) =>
        mr.outages
          .filter((o) => o.kind === "planned")
          .map((o) => [serviceName(o.service), o.start_central, String(o.minutes), noticesCell(o), announcementText(o)]),
      ),
    },
    {
      title: `Time to market, ${r.year}`,
      headers: YEAR_TIME_TO_MARKET_HEADERS,
      rows: a.time_to_market.map(yearTimeToMarketCells),
    },
    {
      title: `Data quality, ${r.year}`,
      headers: DATA_QUALITY_HEADERS,
      rows: a.data_quality.map((q) => dataQualityCells(q)),
    },
  ];
  if (sections.callCenter) {
    tables.push(
      {
        title: `Call-center tickets by month, ${r.year}: ${a.call_center?.total ?? 0} in total`,
        headers: ["month", "tickets"],
        rows: (a.call_center?.by_month ?? []).map((x) => [x.month, String(x.tickets)]),
      },
      {
        title: `Call-center tickets by type, ${r.year}`,
        headers: ["type", "tickets"],
        rows: (a.call_center?.by_type ?? []).map((x) => [x.type, String(x.tickets)]),
      },
    );
  }
  const last = r.months[r.months.length - 1]!;
  const hanTable = monthTables(last).find((t) => t.title.startsWith("HAN devices"));
  if (hanTable) tables.push(hanTable);
  if (a.issues) tables.push(...issuesTables(a.issues, r.year));
  const heading =
    format === "md"
      ? `# SMT service-level report, ${r.year}\n\nAnnual review for the ${r.audience_title}. Times in Central time (${r.timezone}).\n\n`
      : `SMT service-level report, ${r.year}, for the ${r.audience_title}\n\n`;
  return `${heading}${tables.map((t) => renderTable(t, format)).join("\n")}`;
}

/** Reserved-window minutes with and without announced maintenance, and what the figures exclude. */
function reservedWindowsTable(r: CommitteeMonthReport): Table {
  return {
    title: `Reserved maintenance windows, ${r.month}: minutes with and without announced maintenance`,
    headers: ["service", "reserved", "announced", "not announced"],
    rows: r.reserved_windows.services.map((x) => [
      serviceName(x.service),
      String(x.reserved_minutes),
      String(x.announced_minutes),
      String(x.unannounced_minutes),
    ]),
    note: excludePolicySentence(r.reserved_windows),
  };
}
