import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { MiB } from "../config/byte-units.js";
import { ConfigError } from "../config/errors.js";
import { REPORT_FORMATS } from "../report/report-format.js";
import { MonthUnavailableError } from "../report/monthly-report.js";
import { NoticeStoreError } from "../notices/store-failure.js";
import { DEFAULT_PROMETHEUS_ANSWER_BYTES, MAX_PROMETHEUS_ANSWER_BYTES, PromqlClient, PromqlError } from "../report/promql-client.js";
import { reportMonth, ReportUsageError } from "../report/report-month.js";
import { monthToDate } from "../report/month-to-date.js";
import { InconsistentMinutesError } from "../report/service-availability.js";
import { PRODUCTION_RULE_PARAMETERS } from "../rules/availability-rules.js";
import type { NoticeStoreReader } from "../notices/notice-store.js";
import { AUDIENCES, DEFAULT_AUDIENCE, type Audience } from "../report/report-audience.js";

/** `--format html` is the committee report's self-contained page; the others are the text formats. */
export const COMMITTEE_FORMATS = [...REPORT_FORMATS, "html"] as const;

interface ReportOptions {
  prometheus: string;
  month?: string;
  year?: string;
  at?: string;
  format: string;
  timeout: string;
  maxAnswerMib: string;
  notices?: string;
  outageMinutes: string;
  recoveryMinutes: string;
  "config.file"?: string;
  config?: string;
  output?: string;
  audience: string;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "The committee report of a month (--month) or a year (--year): per service the availability against the objective " +
        "(minutes of the calendar month in Central time: maintenance, unmeasured, unavailable, available, from the minute series " +
        "Prometheus recorded with prometheus/rules/), the outages with their market-notice ids, time to market and data quality " +
        "of the energy data, call-center tickets by type and HAN devices by status and TDSP territory.",
    )
    .requiredOption("--prometheus <url>", "the Prometheus base URL, e.g. http://127.0.0.1:9090")
    .option("--month <YYYY-MM>", 'the calendar month, e.g. 2026-03; "current": the month to date, marked partial with the instant it was computed')
    .option(
      "--at <instant>",
      "compute the report as at this instant (ISO 8601, e.g. 2026-03-31T20:37:00Z; default: now); --month current is then its month",
      undefined,
    )
    .option("--year <YYYY>", "the calendar year (every month of it that is over), e.g. 2026")
    .option("--format <format>", `output format: ${COMMITTEE_FORMATS.join(", ")}`, "table")
    .option("--notices <file>", "the notifier's store (its SQLite file), for the notice ids of the outages")
    .option("--audience <audience>", `whom the report is for: ${AUDIENCES.join(", ")} (sections and titles)`, DEFAULT_AUDIENCE)
    .option("--outage-minutes <n>", "list unplanned outages longer than this (shorter ones are summed)", "15")
    .option(
      "--recovery-minutes <n>",
      "consecutive available minutes that end an outage incident (the rules' --recovery-minutes; docs/slo.md)",
      String(PRODUCTION_RULE_PARAMETERS.incidentRecoveryMinutes),
    )
    .option(
      "--config.file <file>",
      "an exporter config whose energy_data.deadlines, objectives, maintenance holidays and report.issues feed to use (default: the SLO document's)",
    )
    .option("-c, --config <file>", "alias of --config.file")
    .option("--output <file>", "write the report to this file instead of standard output")
    .option("--timeout <seconds>", "how long one query to Prometheus may take in all, from connecting to the last byte of its answer", "60")
    .option(
      "--max-answer-mib <n>",
      `the largest answer of Prometheus read, in MiB (at most ${MAX_PROMETHEUS_ANSWER_BYTES >> 20}); a larger one fails the report`,
      String(DEFAULT_PROMETHEUS_ANSWER_BYTES >> 20),
    )
    .action(async (opts: ReportOptions) => {
      const fail = (message: string, code: number) => {
        process.stderr.write(`smt-monitor report: ${message}\n`);
        process.exitCode = code;
      };
      if (!(COMMITTEE_FORMATS as readonly string[]).includes(opts.format)) {
        return fail(`--format: expected one of ${COMMITTEE_FORMATS.join(", ")}, got "${opts.format}"`, 2);
      }
      if ((opts.month === undefined) === (opts.year === undefined)) return fail("expected exactly one of --month YYYY-MM or --year YYYY", 2);
      if (!(AUDIENCES as readonly string[]).includes(opts.audience))
        return fail(`--audience: expected one of ${AUDIENCES.join(", ")}, got "${opts.audience}"`, 2);
      const audience = opts.audience as Audience;
      const timeoutSeconds = Number(opts.timeout);
      if (!(timeoutSeconds > 0)) return fail(`--timeout: expected a number of seconds, got "${opts.timeout}"`, 2);
      const maxAnswerMib = Number(opts.maxAnswerMib);
      if (!Number.isInteger(maxAnswerMib) || maxAnswerMib < 1 || maxAnswerMib > MAX_PROMETHEUS_ANSWER_BYTES >> 20) {
        return fail(`--max-answer-mib: expected a whole number of MiB from 1 to ${MAX_PROMETHEUS_ANSWER_BYTES >> 20}, got "${opts.maxAnswerMib}"`, 2);
      }
      const outageMinutes = Number(opts.outageMinutes);
      if (!Number.isInteger(outageMinutes) || outageMinutes < 0)
        return fail(`--outage-minutes: expected a whole number of minutes, got "${opts.outageMinutes}"`, 2);
      const recoveryMinutes = Number(opts.recoveryMinutes);
      if (!Number.isInteger(recoveryMinutes) || recoveryMinutes < 1)
        return fail(`--recovery-minutes: expected a whole number of minutes of at least 1, got "${opts.recoveryMinutes}"`, 2);
      // each module loaded only when this run needs it (start-up is most of a month's report: docs/performance.md)
      const { committeeMonthReport, committeeYearReport, reportYear } = await import("../report/committee-report.js");
      let notices: NoticeStoreReader | undefined;
      // Progress for long runs: a year always, a month when stderr is a terminal.
      const progress = (line: string) => process.stderr.write(`smt-monitor report: ${line}\n`);
      try {
        const nowMs = opts.at === undefined ? Date.now() : Date.parse(opts.at);
        if (Number.isNaN(nowMs)) throw new ReportUsageError("at", `expected an instant in ISO 8601 (e.g. 2026-03-31T20:37:00Z), got "${opts.at}"`);
        const month = opts.month === "current" ? monthToDate(nowMs) : opts.month !== undefined ? reportMonth(opts.month) : undefined;
        if (opts.year !== undefined) reportYear(opts.year);
        const configFile = opts["config.file"] ?? opts.config;
        const config = configFile ? (await import("../report/report-config.js")).loadReportSettings(configFile) : undefined;
        const prometheus = new PromqlClient(opts.prometheus, { timeoutMs: timeoutSeconds * 1000, maxAnswerBytes: maxAnswerMib * MiB });
        if (opts.notices) {
          const { NoticeStoreReader } = await import("../notices/notice-store.js");
          notices = NoticeStoreReader.open(opts.notices);
        }
        // read once, and the HTTP client loaded only when a feed is configured
        const issues = config?.issuesFeed ? await (await import("../market-figures/market-issues.js")).readIssuesFeed(config.issuesFeed) : undefined;
        if (issues?.error) progress(`issues feed: ${issues.error}`);
        else if (issues?.problems.length) {
          progress(`issues feed: ${issues.problems.length} row(s) left out, e.g. ${issues.origin}:${issues.problems[0]!.line}: ${issues.problems[0]!.message}`);
        }
        const sources = { prometheus, notices, issues };
        const settings = {
          outageThresholdMinutes: outageMinutes,
          recoveryMinutes,
          deadlines: config?.deadlines,
          objectives: config?.objectives,
          calendar: config?.calendar,
          audience,
        };
        let text: string;
        const html = opts.format === "html" ? await import("../report/committee-html.js") : undefined;
        const textFormat = html ? undefined : await import("../report/committee-format.js");
        const format = opts.format as Exclude<(typeof COMMITTEE_FORMATS)[number], "html">;
        if (month) {
          const report = await committeeMonthReport(month, sources, { ...settings, now: () => nowMs, progress: process.stderr.isTTY ? progress : undefined });
          text = html ? html.committeeMonthHtml(report, Date.now()) : textFormat!.formatCommitteeMonth(report, format);
        } else {
          const report = await committeeYearReport(opts.year!, sources, { ...settings, now: () => nowMs, progress });
          text = html ? html.committeeYearHtml(report, Date.now()) : textFormat!.formatCommitteeYear(report, format);
        }
        if (opts.output) {
          writeFileSync(opts.output, text);
          process.stderr.write(`smt-monitor report: wrote ${opts.output}\n`);
        } else process.stdout.write(text);
      } catch (err) {
        const failure = reportFailure(err);
        if (failure) return fail(failure.message, failure.code);
        throw err;
      } finally {
        notices?.close();
      }
    });
}

/**
 * A library error as the user's flag sees it: the report's modules name no flag, so this maps each
 * error to the flag it is about (exit 2 for what the user wrote, 1 for what happened). Undefined for a bug.
 */
export function reportFailure(err: unknown): { message: string; code: 1 | 2 } | undefined {
  if (err instanceof ReportUsageError) return { message: `--${err.field}: ${err.message}`, code: 2 };
  if (err instanceof ConfigError) return { message: err.message, code: 2 };
  if (err instanceof NoticeStoreError) return { message: `--notices: ${err.message}`, code: 2 };
  if (err instanceof PromqlError) {
    if (err.kind === "bad_url") return { message: `--prometheus: ${err.message}`, code: 2 };
    if (err.kind === "not_prometheus") return { message: `${err.message} (is --prometheus the server's base URL?)`, code: 1 };
    return { message: err.message, code: 1 };
  }
  if (err instanceof MonthUnavailableError || err instanceof InconsistentMinutesError) return { message: err.message, code: 1 };
  return undefined;
}
