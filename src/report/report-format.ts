import { DateTime } from "luxon";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import type { MonthlyReport, PartialMonth } from "./monthly-report.js";
import type { ServiceAvailability } from "./service-availability.js";

export const REPORT_FORMATS = ["table", "json", "csv", "md"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const COLUMNS = [
  "service",
  "total_minutes",
  "maintenance_minutes",
  "unavailable_minutes",
  "unmeasured_minutes",
  "available_minutes",
  "availability",
  "objective",
  "met",
] as const satisfies readonly (keyof ServiceAvailability)[];

/** The report as text in the format asked for (each ends with a newline). */
export function formatMonthlyReport(report: MonthlyReport, format: ReportFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "csv":
      return csv(report);
    case "md":
      return markdown(report);
    case "table":
      return table(report);
  }
}

/** The line that marks a month to date in the text formats, e.g. "PARTIAL: month to date, minutes up to 2026-03-31 15:35 CDT, computed at 2026-03-31 15:37 CDT". */
export function partialText(partial: PartialMonth): string {
  const central = (iso: string) => DateTime.fromISO(iso, { zone: CENTRAL_TIME_ZONE }).toFormat("yyyy-LL-dd HH:mm ZZZZ");
  return `PARTIAL: month to date, minutes up to ${central(partial.through)} (${partial.through}), computed at ${central(partial.computed_at)} (${partial.computed_at})`;
}

const percent = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(3)} %`);
const metText = (met: boolean | null) => (met === null ? "n/a" : met ? "met" : "MISSED");

function csv(report: MonthlyReport): string {
  // a month to date: a first table that says so, before the figures
  const partial = report.partial ? `partial,computed_at,through\ntrue,${report.partial.computed_at},${report.partial.through}\n\n` : "";
  const rows = [["month", ...COLUMNS].join(",")];
  for (const s of report.services) rows.push([report.month, ...COLUMNS.map((c) => (s[c] === null ? "" : String(s[c])))].join(","));
  return `${partial}${rows.join("\n")}\n`;
}

function humanRows(report: MonthlyReport): string[][] {
  return report.services.map((s) => [
    s.service,
    String(s.total_minutes),
    String(s.maintenance_minutes),
    String(s.unavailable_minutes),
    String(s.unmeasured_minutes),
    String(s.available_minutes),
    percent(s.availability),
    percent(s.objective).replace(".000", ""),
    metText(s.met),
  ]);
}

const HEADERS = ["service", "total", "maintenance", "unavailable", "unmeasured", "available", "availability", "objective", "objective met"];

function table(report: MonthlyReport): string {
  const rows = [HEADERS, ...humanRows(report)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    `SMT availability ${report.month} (${report.timezone}), minutes; availability = available / (total - maintenance)`,
    ...(report.partial ? [partialText(report.partial)] : []),
    "",
    line(rows[0]!),
    ...rows.slice(1).map(line),
    "",
  ].join("\n");
}

function markdown(report: MonthlyReport): string {
  const rows = humanRows(report);
  return [
    `## SMT availability, ${report.month} (${report.timezone})`,
    "",
    ...(report.partial ? [`**${partialText(report.partial)}**`, ""] : []),
    `| ${HEADERS.join(" | ")} |`,
    `|${HEADERS.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    "Minutes of the calendar month in Central time; availability = available / (total - maintenance); unmeasured minutes count against it.",
    "",
  ].join("\n");
}
