import type { Command } from "commander";
import { formatMonthlyReport, REPORT_FORMATS, type ReportFormat } from "../report/report-format.js";
import { monthlyReport, MonthUnavailableError } from "../report/monthly-report.js";
import { PrometheusQueryError } from "../report/prometheus-query.js";
import { reportMonth, ReportUsageError } from "../report/report-month.js";
import { InconsistentMinutesError } from "../report/service-availability.js";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "Monthly availability per service (minutes of the calendar month in Central time: maintenance, unmeasured, " +
        "unavailable, available) from the minute series Prometheus recorded with prometheus/rules/.",
    )
    .requiredOption("--prometheus <url>", "the Prometheus base URL, e.g. http://127.0.0.1:9090")
    .requiredOption("--month <YYYY-MM>", "the calendar month, e.g. 2026-03")
    .option("--format <format>", `output format: ${REPORT_FORMATS.join(", ")}`, "table")
    .option("--timeout <seconds>", "how long to wait for Prometheus", "60")
    .action(async (opts: { prometheus: string; month: string; format: string; timeout: string }) => {
      const fail = (message: string, code: number) => {
        process.stderr.write(`smt-monitor report: ${message}\n`);
        process.exitCode = code;
      };
      if (!(REPORT_FORMATS as readonly string[]).includes(opts.format)) {
        return fail(`--format: expected one of ${REPORT_FORMATS.join(", ")}, got "${opts.format}"`, 2);
      }
      const timeoutSeconds = Number(opts.timeout);
      if (!(timeoutSeconds > 0)) return fail(`--timeout: expected a number of seconds, got "${opts.timeout}"`, 2);
      try {
        const month = reportMonth(opts.month);
        const report = await monthlyReport({ baseUrl: opts.prometheus, month, timeoutMs: timeoutSeconds * 1000 });
        process.stdout.write(formatMonthlyReport(report, opts.format as ReportFormat));
      } catch (err) {
        if (err instanceof ReportUsageError) return fail(err.message, 2);
        if (err instanceof PrometheusQueryError || err instanceof MonthUnavailableError || err instanceof InconsistentMinutesError) {
          return fail(err.message, 1);
        }
        throw err;
      }
    });
}
