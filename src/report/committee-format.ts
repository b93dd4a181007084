import { tdspName } from "../market-figures/tdsp-territory.js";
import type { CommitteeMonthReport, CommitteeYearReport } from "./committee-report.js";
import { formatMonthlyReport, type ReportFormat } from "./report-format.js";
import { excludePolicySentence } from "./reserved-windows.js";

/**
 * The committee report as text: `table` (terminal), `md`, `csv` and `json`. The availability block is
 * the monthly availability report's own text (src/report/report-format.ts); the committee's sections
 * follow it. CSV holds one table per section, separated by a blank line, each with its header row.
 */
export type TextFormat = ReportFormat;

const pct = (x: number | null, digits = 1) => (x === null ? "n/a" : `${(x * 100).toFixed(digits)} %`);
const SERVICE_NAMES: Record<string, string> = { gui: "GUI", api: "API", ftps: "FTPS", han: "HAN" };
export const serviceName = (s: string) => SERVICE_NAMES[s] ?? s;

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

/** The committee's tables of one month (after the availability block). */
function monthTables(r: CommitteeMonthReport): Table[] {
  const tables: Table[] = [];
  const noticed = r.outages.filter((o) => o.kind === "unplanned");
  tables.push({
    title: `Outages, ${r.month}: unplanned over ${r.outage_threshold_minutes} minutes (${noticed.length}) and planned maintenance windows`,
    headers: ["service", "kind", "start (Central)", "end (Central)", "minutes", "unavailable", "notice ids"],
    left: [0, 1, 2, 3, 6],
    rows: r.outages.map((o) => [
      serviceName(o.service),
      o.kind,
      `${o.starts_before_month ? "(before) " : ""}${o.start_central}`,
      `${o.end_central}${o.ends_after_month ? " (after)" : ""}`,
      String(o.minutes),
      String(o.unavailable_minutes),
      o.notice_ids === null ? "(no store)" : o.notice_ids.join(" ") || "none",
    ]),
    note: `Shorter unplanned outages: ${r.short_unplanned_outages.map((s) => `${serviceName(s.service)} ${s.count} (${s.minutes} min)`).join(", ")}.`,
  });
  tables.push(reservedWindowsTable(r));
  tables.push({
    title: `Time to market, ${r.month}: usage days available by the deadline (FTPS 23:00 on D+1; GUI and API 06:00 on D+2, Central)`,
    headers: ["service", "deadline", "days", "on time", "late", "missing", "unmeasured", "pending", "share on time"],
    left: [0, 1],
    rows: r.time_to_market.map((t) => [
      serviceName(t.service),
      t.deadline,
      String(t.days),
      String(t.on_time),
      String(t.late),
      String(t.missing),
      String(t.unmeasured),
      String(t.pending),
      pct(t.share_on_time),
    ]),
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
    headers: ["service", "days", "expected", "received", "missing", "duplicate", "negative", "estimated", "complete", "estimated share"],
    rows: r.data_quality.map((q) => [
      serviceName(q.service),
      String(q.days_measured),
      String(q.expected),
      String(q.received),
      String(q.missing),
      String(q.duplicate),
      String(q.negative),
      String(q.estimated),
      pct(q.completeness, 2),
      pct(q.estimated_share, 2),
    ]),
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
  tables.push({
    title: `Call-center tickets, ${r.month}: ${cc ? `${cc.total} in total` : "no figures recorded"}`,
    headers: ["type", "tickets", "share"],
    rows: cc ? cc.by_type.map((t) => [t.type, String(t.tickets), pct(cc.total ? t.tickets / cc.total : null)]) : [],
  });
  const han = r.han_devices;
  if (han) {
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
  return tables;
}

function monthCsvSections(r: CommitteeMonthReport): string[] {
  const m = r.month;
  return [
    csvTable(
      ["month", "outage_service", "kind", "start", "end", "minutes", "unavailable_minutes", "starts_before_month", "ends_after_month", "notice_ids"],
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
  ];
}

export function formatCommitteeMonth(r: CommitteeMonthReport, format: TextFormat): string {
  if (format === "json") return `${JSON.stringify(r, null, 2)}\n`;
  const availability = formatMonthlyReport({ month: r.month, timezone: r.timezone, services: r.services }, format);
  if (format === "csv") return `${availability}\n${monthCsvSections(r).join("\n\n")}\n`;
  const heading = format === "md" ? `# SMT service-level report, ${r.month}\n\nFor the JDOA committee. Times in Central time (${r.timezone}).\n\n` : "";
  return `${heading}${availability}\n${monthTables(r)
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
    s.met === null ? "n/a" : s.met ? "met" : "MISSED",
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
      ...r.months.flatMap((mr) => monthCsvSections(mr)),
    ].join("\n\n")}\n`;
  }
  const tables: Table[] = [
    {
      title: `SMT availability, ${r.year} (${r.timezone}): minutes of the reported months; availability = available / (total - maintenance)`,
      headers: ["service", "months", "total", "maintenance", "unavailable", "unmeasured", "available", "availability", "objective > 99 %", "months met"],
      rows: availabilityRows,
      note: r.months_missing.length ? `Not reported: ${r.months_missing.map((x) => x.month).join(", ")}.` : undefined,
    },
    {
      title: `Monthly availability, ${r.year}`,
      headers: ["month", ...a.services.map((s) => serviceName(s.service))],
      rows: r.months.map((mr) => [mr.month, ...a.services.map((s) => pct(mr.services.find((x) => x.service === s.service)?.availability ?? null, 3))]),
    },
    {
      title: `Unplanned outages over the threshold, ${r.year}: ${a.unplanned_outages} (${a.unplanned_outage_minutes} minutes)`,
      headers: ["service", "start (Central)", "minutes", "notice ids"],
      left: [0, 1, 3],
      rows: r.months.flatMap((mr) =>
        mr.outages
          .filter((o) => o.kind === "unplanned")
          .map((o) => [serviceName(o.service), o.start_central, String(o.minutes), o.notice_ids === null ? "(no store)" : o.notice_ids.join(" ") || "none"]),
      ),
    },
    {
      title: `Time to market, ${r.year}`,
      headers: ["service", "on time", "late", "missing", "unmeasured", "share on time"],
      rows: a.time_to_market.map((t) => [
        serviceName(t.service),
        String(t.on_time),
        String(t.late),
        String(t.missing),
        String(t.unmeasured),
        pct(t.share_on_time),
      ]),
    },
    {
      title: `Data quality, ${r.year}`,
      headers: ["service", "days", "expected", "received", "missing", "duplicate", "negative", "estimated", "complete", "estimated share"],
      rows: a.data_quality.map((q) => [
        serviceName(q.service),
        String(q.days_measured),
        String(q.expected),
        String(q.received),
        String(q.missing),
        String(q.duplicate),
        String(q.negative),
        String(q.estimated),
        pct(q.completeness, 2),
        pct(q.estimated_share, 2),
      ]),
    },
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
  ];
  const last = r.months[r.months.length - 1]!;
  const hanTable = monthTables(last).find((t) => t.title.startsWith("HAN devices"))!;
  tables.push(hanTable);
  const heading =
    format === "md" ? `# SMT service-level report, ${r.year}\n\nAnnual review for the JDOA committee. Times in Central time (${r.timezone}).\n\n` : "";
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
