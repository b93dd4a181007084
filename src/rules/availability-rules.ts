import { MARKET_DATE_TIME_FORMAT } from "../maintenance/central-time.js";
import { SERVICES } from "../config/services.js";
import { EXCLUDE_POLICY_LABEL, MAINTENANCE_GAUGES } from "../exporter/maintenance-metric-names.js";
import { QUALITY_METERS_METRIC } from "../exporter/energy-data-metric-names.js";
import { CHECK_INFO_METRIC, COUNTS_FOR_AVAILABILITY_LABEL } from "../exporter/check-info-metric-names.js";
import { NOTIFIER_STORAGE_ERRORS_METRIC } from "../notices/notifier-metric-names.js";
import { ALERT_ANNOTATIONS as A, ALERT_LABELS, ALERT_NAMES, type AlertAnnotation, SEVERITIES, WINDOW_LABEL_VALUES } from "./alert-contract.js";
import { MINUTE_SECONDS, RECORDING_DELAY_SECONDS } from "./minute-timing.js";
import { outageMessageAlerts } from "./outage-message-rules.js";

/**
 * The Prometheus rules of the SMT availability objective, generated from a few parameters by a pure
 * function (Sloth-style): the production files in prometheus/rules/ are this function's output for
 * PRODUCTION_RULE_PARAMETERS (test/prometheus-rules.test.ts keeps them equal), and the demo generates its
 * own with a short outage threshold. Semantics: docs/slo.md.
 */
export interface AvailabilityRuleParameters {
  /** SMTUnplannedOutage fires when an outage incident of a service is longer than this many minutes (first to last unavailable minute). */
  unplannedOutageMinutes: number;
  /**
   * An outage incident ends after this many consecutive available minutes (so shorter recoveries
   * between unavailable minutes, i.e. flapping, stay one incident). 1 makes every available minute
   * end it: consecutive unavailable minutes only.
   */
  incidentRecoveryMinutes: number;
  /** SMTProbeDataMissing fires when no check of a service has finished a run for this many minutes. */
  probeDataMissingMinutes: number;
  /** SMTTLSCertificateExpiring fires when a certificate expires in less than this many days. */
  tlsCertificateWarningDays: number;
  /** Base of the runbook_url annotations; each alert appends "#<alertname in lower case>". */
  runbookBaseUrl: string;
  /**
   * SMTDataDeliveryLate fires when a usage day's delivery deadline passed without the data for this
   * many minutes (energy-data checks run every 15 minutes by default: docs/energy-data.md).
   */
  dataDeliveryLateMinutes: number;
  /**
   * SMTDataQualityFailing fires when more than this share (0-1) of the canary meters' quality usage
   * day failed the quality checks (a missing, duplicate or negative interval), for `dataQualityFailingMinutes`.
   */
  dataQualityFailedMeterShare: number;
  dataQualityFailingMinutes: number;
}

export const PRODUCTION_RULE_PARAMETERS: AvailabilityRuleParameters = {
  unplannedOutageMinutes: 15,
  incidentRecoveryMinutes: 5,
  probeDataMissingMinutes: 10,
  tlsCertificateWarningDays: 21,
  runbookBaseUrl: "https://github.com/smt-monitor/smt-monitor/blob/main/docs/runbook.md",
  dataDeliveryLateMinutes: 20,
  dataQualityFailedMeterShare: 0.05,
  dataQualityFailingMinutes: 20,
};

/** The four states of a service's minute; exactly one of the four series is 1 for each recorded minute. */
export const MINUTE_STATES = ["maintenance", "unmeasured", "unavailable", "available"] as const;
export type MinuteState = (typeof MINUTE_STATES)[number];

export const MINUTE_STATE_SERIES: Record<MinuteState, string> = {
  maintenance: "smt:service_minute_maintenance:bool",
  unmeasured: "smt:service_minute_unmeasured:bool",
  unavailable: "smt:service_minute_unavailable:bool",
  available: "smt:service_minute_available:bool",
};

export const OUTAGE_MINUTES_SERIES = "smt:service_unplanned_outage:minutes";
export const OUTAGE_START_SERIES = "smt:service_unplanned_outage:start_timestamp_seconds";
export const MAINTENANCE_LAST_END_SERIES = "smt:service_maintenance_last_end:timestamp_seconds";
export const PROBE_LAST_RUN_SERIES = "smt:service_probe_last_run:timestamp_seconds";

/**
 * The open outage incident of a service, carried minute to minute (docs/slo.md, "Outage incidents"):
 * present while an incident is open, absent otherwise. An incident starts at an unavailable minute
 * and ends at a maintenance minute or after `incidentRecoveryMinutes` consecutive available minutes.
 */
export const INCIDENT_SERIES = {
  /** Consecutive available minutes since the incident's last unavailable minute (0 up to recovery - 1). */
  recovery: "smt:service_outage_incident:recovery_minutes",
  /** Unix start of the incident's first unavailable minute; label window="reserved" when it began in an unannounced reserved window. */
  start: "smt:service_outage_incident:start_timestamp_seconds",
  /** Unix end of the incident's last unavailable minute so far. */
  lastEnd: "smt:service_outage_incident:end_timestamp_seconds",
  /** Unavailable minutes of the incident so far. */
  unavailable: "smt:service_outage_incident:unavailable_minutes",
  /** Length so far: first to last unavailable minute, in minutes. */
  length: "smt:service_outage_incident:length_minutes",
} as const;

/**
 * Reserved windows (the recurring calendar) and announced planned maintenance, minute by minute,
 * whatever `maintenance.exclude` excludes (docs/maintenance.md): what the report's reserved-window
 * section sums.
 */
export const RESERVED_MINUTE_SERIES = {
  /** 1 when the minute is inside a reserved window of the service, else 0. */
  reserved: "smt:service_minute_reserved:bool",
  /** 1 when the minute is inside a reserved window and covered by announced planned maintenance, else 0. */
  reservedAnnounced: "smt:service_minute_reserved_announced:bool",
} as const;
/** 1 per `policy` label value (announced, reserved) the exporters apply, recorded once a minute. */
export const EXCLUDE_POLICY_SERIES = "smt:maintenance_exclude_policy:info";

/** Rolling availability ratios: record name suffix, PromQL range (closed at both ends, so 1 ms short), minutes. */
export const AVAILABILITY_WINDOWS = [
  { name: "1h", range: "59m59s999ms", minutes: 60 },
  { name: "1d", range: "23h59m59s999ms", minutes: 1_440 },
  { name: "7d", range: "6d23h59m59s999ms", minutes: 10_080 },
  { name: "30d", range: "29d23h59m59s999ms", minutes: 43_200 },
] as const;
export const availabilityRatioSeries = (window: string) => `smt:service_availability:ratio_${window}`;

/**
 * How far back the last known maintenance window of a service is looked up when the exporters are
 * silent (e.g. all down during the window): their minutes stay maintenance minutes for this long.
 */
export const MAINTENANCE_WINDOW_MEMORY = "1d";

/** SMTNotifierStorageFailing fires when more than this many store writes failed in 5 minutes (for 2 minutes). */
export const NOTIFIER_STORAGE_ERRORS_THRESHOLD = 2;

export const RULE_GROUP_NAMES = {
  minutes: "smt-availability-minutes",
  ratios: "smt-availability-ratios",
  alerts: "smt-alerts",
} as const;

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  /** Keys from the alert contract only (alert-contract.ts), so a reader and the rules cannot drift apart. */
  annotations: Partial<Record<AlertAnnotation, string>>;
}
export type Rule = RecordingRule | AlertingRule;
export interface RuleGroup {
  name: string;
  interval: string;
  rules: Rule[];
}
export interface RuleFile {
  /** File name inside prometheus/rules/. */
  name: string;
  /** What the file holds, written as its header comment. */
  description: string;
  groups: RuleGroup[];
}

// ---------------------------------------------------------------------------------------------
// PromQL building blocks. A "step" expression is evaluated at a wall-clock-aligned instant t (a
// subquery step) and describes the minute [t - 60 s, t); atRecordedMinute() picks, at the rule's
// evaluation instant T, the single aligned step t = floor((T - delay) / 60 s) * 60 s.

const DELAY = `${RECORDING_DELAY_SECONDS}s`;
/** `x[59s999ms] offset 1ms` at step t holds the samples of [t - 60 s, t - 1 ms]: exactly the minute before t. */
const overMinuteBeforeStep = (metric: string) => `${metric}[59s999ms] offset 1ms`;

function atRecordedMinute(stepExpr: string): string {
  return `last_over_time(\n  (\n${indent(stepExpr, 4)}\n  )[59s999ms:1m] offset ${DELAY}\n)`;
}

/** The recorded minute's end (t) and start (t - 60 s) as scalars, at the rule's evaluation instant. */
const MINUTE_END = `scalar(floor(vector(time() - ${RECORDING_DELAY_SECONDS}) / ${MINUTE_SECONDS}) * ${MINUTE_SECONDS})`;
const MINUTE_START = `scalar(floor(vector(time() - ${RECORDING_DELAY_SECONDS}) / ${MINUTE_SECONDS}) * ${MINUTE_SECONDS} - ${MINUTE_SECONDS})`;

/** 0 for every service of the SLO, so that every service gets a sample every minute even without any data. */
const EVERY_SERVICE_ZERO = SERVICES.map((s) => `label_replace(vector(0), "${ALERT_LABELS.service}", "${s}", "", "")`).join("\nor\n");

/**
 * The checks' results in the minute, without the checks an exporter marked as not counting for
 * availability in the minute (`counts_for_availability: false`, its smt_check_info series). A check
 * without an info series (an older exporter) counts, as every check did before.
 */
const COUNTING_PROBE_RESULTS = `min_over_time(${overMinuteBeforeStep("smt_probe_success")})
unless on (service, check, location)
max_over_time(${overMinuteBeforeStep(`${CHECK_INFO_METRIC}{${COUNTS_FOR_AVAILABILITY_LABEL}="false"}`)})`;

/**
 * Per service, present when any probe data of a counting check of the service arrived in the minute
 * (else absent: unmeasured): 1 when some counting check failed in the minute at a strict majority of
 * the locations that reported that check in the minute, else 0. A location failed a check in the
 * minute when any of its samples in the minute is 0.
 */
const PROBE_FAILED_STEP = `max by (service) (
  avg by (service, check) (
    min by (service, check, location) (
${indent(COUNTING_PROBE_RESULTS, 6)}
    ) == bool 0
  ) > bool 0.5
)`;

/**
 * Per service, 0/1: whether the last maintenance window known at the minute's start overlaps the
 * minute. The exporters export the current window (while it runs) or the next one; the value is
 * read as of a moment in the minute before the recorded minute (range ending at T - delay - 120 s),
 * which is race-free at both window edges and remembers the window when every exporter is silent.
 */
const AS_OF_MINUTE_START = `offset ${2 * MINUTE_SECONDS + RECORDING_DELAY_SECONDS}s`;
const windowOverlapsMinute = (startGauge: string, endGauge: string) => `max by (service) (
    (
      last_over_time(${startGauge}[${MAINTENANCE_WINDOW_MEMORY}] ${AS_OF_MINUTE_START})
      < bool ${MINUTE_END}
    )
  * (
      last_over_time(${endGauge}[${MAINTENANCE_WINDOW_MEMORY}] ${AS_OF_MINUTE_START})
      > bool ${MINUTE_START}
    )
)`;
/** The windows `maintenance.exclude` excludes: announced planned maintenance, or also every reserved window. */
const MAINTENANCE_BY_WINDOW = windowOverlapsMinute(MAINTENANCE_GAUGES.excludedStart, MAINTENANCE_GAUGES.excludedEnd);
const RESERVED_BY_WINDOW = windowOverlapsMinute(MAINTENANCE_GAUGES.reservedStart, MAINTENANCE_GAUGES.reservedEnd);
const PLANNED_BY_WINDOW = windowOverlapsMinute(MAINTENANCE_GAUGES.plannedStart, MAINTENANCE_GAUGES.plannedEnd);

/** Fallback for exporters without the window gauges: smt_maintenance_active was 1 in the minute. */
const MAINTENANCE_BY_ACTIVE_GAUGE = atRecordedMinute(`max by (service) (max_over_time(${overMinuteBeforeStep("smt_maintenance_active")}))`);

/** Per service, always present, 0/1: the recorded minute is a maintenance minute. */
const MAINTENANCE = `(
${indent(MAINTENANCE_BY_WINDOW, 2)}
  or
${indent(MAINTENANCE_BY_ACTIVE_GAUGE, 2)}
)
or
(
${indent(EVERY_SERVICE_ZERO, 2)}
)`;

const PROBE_FAILED = atRecordedMinute(PROBE_FAILED_STEP);

function minuteStateExpr(state: (typeof MINUTE_STATES)[number]): string {
  const notMaintenance = (x: string) => `(\n  1 - (\n${indent(MAINTENANCE, 4)}\n  )\n)\n* (\n${indent(x, 2)}\n)`;
  const zero = `(\n${indent(EVERY_SERVICE_ZERO, 2)}\n)`;
  switch (state) {
    case "maintenance":
      return MAINTENANCE;
    case "unmeasured":
      return notMaintenance(`(\n  ${zero.replace(/\n/g, "\n  ")} + 1\n  unless on (service)\n${indent(PROBE_FAILED, 2)}\n)\nor\n${zero}`);
    case "unavailable":
      return notMaintenance(`(\n${indent(PROBE_FAILED, 2)}\n)\nor\n${zero}`);
    case "available":
      return notMaintenance(`(\n  1 - (\n${indent(PROBE_FAILED, 4)}\n  )\n)\nor\n${zero}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Alert annotations: Go templates expanded by Prometheus at alert evaluation.

/**
 * The Unix time in $value as Central time in the notices' form ("Saturday, March 7, 2026 14:03 CST",
 * MARKET_DATE_TIME_FORMAT), using the exporters' UTC offset of
 * America/Chicago as of that minute (Prometheus templates know no time zones). Falls back to UTC when
 * no offset was exported.
 */
function centralTimeOf(valueVar: string): string {
  // The offset is read at the end of the minute that starts at the value (DST changes on whole hours,
  // so any sample inside that minute has the right offset; one before it may not).
  return (
    `{{ with printf "max(last_over_time(smt_central_utc_offset_seconds[1d] @ %.0f offset -59s))" ${valueVar} | query }}` +
    `{{ $offset := . | first | value }}` +
    `{{ with printf "vector(%.0f + %.0f)" ${valueVar} $offset | query }}{{ (. | first | value | toTime).Format "${MARKET_DATE_TIME_FORMAT.go}" }}{{ end }}` +
    `{{ if eq $offset -18000.0 }} CDT{{ else if eq $offset -21600.0 }} CST{{ else }} (UTC{{ printf "%+.0f" $offset }}s){{ end }}` +
    `{{ else }}{{ (toTime ${valueVar}).Format "${MARKET_DATE_TIME_FORMAT.go}" }} UTC{{ end }}`
  );
}

const unixSeconds = (valueVar: string) => `{{ printf "%.0f" ${valueVar} }}`;
/** The service's current value of an incident series, as a whole number ("" when there is none). */
const incidentValue = (series: string) => `{{ with printf "${series}{service=%q}" $labels.service | query }}{{ . | first | value | printf "%.0f" }}{{ end }}`;
/** "GUI", "FTPS", "CALL CENTER": the service id in capitals, underscores as spaces. */
const serviceName = `{{ $labels.${ALERT_LABELS.service} | toUpper | reReplaceAll "_" " " }}`;

// ---------------------------------------------------------------------------------------------

export function availabilityRuleFiles(params: AvailabilityRuleParameters = PRODUCTION_RULE_PARAMETERS): RuleFile[] {
  validate(params);
  const runbook = (alert: string) => `${params.runbookBaseUrl}#${alert.toLowerCase()}`;
  const threshold = params.unplannedOutageMinutes;

  const minuteGroup: RuleGroup = {
    name: RULE_GROUP_NAMES.minutes,
    interval: "1m",
    rules: [
      ...MINUTE_STATES.map((state) => ({ record: MINUTE_STATE_SERIES[state], expr: minuteStateExpr(state) })),
      {
        // Consecutive unavailable minutes up to the recorded one (0 when it is not unavailable); reads
        // its own previous value, so it lives in this group and after the minute states.
        record: OUTAGE_MINUTES_SERIES,
        expr: `${MINUTE_STATE_SERIES.unavailable}
* (
    1
  + (
      ${OUTAGE_MINUTES_SERIES}
      or
      ${MINUTE_STATE_SERIES.unavailable} * 0
    )
)`,
      },
      {
        // Start (Unix seconds) of the first minute of the current unplanned outage; carried forward
        // from its own previous value while the outage lasts, absent when there is none.
        record: OUTAGE_START_SERIES,
        expr: `(
    ${OUTAGE_START_SERIES}
  and on (service)
    ${OUTAGE_MINUTES_SERIES} > 1
)
or on (service)
(
  ${MINUTE_START} - 60 * ((${OUTAGE_MINUTES_SERIES} > 0) - 1)
)`,
      },
      {
        // End (Unix seconds) of the latest maintenance minute, carried forward: the window end that
        // SMTMaintenanceOverrun compares an outage's start with.
        record: MAINTENANCE_LAST_END_SERIES,
        expr: `(${MINUTE_STATE_SERIES.maintenance} == 1) * 0 + ${MINUTE_END}
or on (service)
${MAINTENANCE_LAST_END_SERIES}`,
      },
      ...reservedWindowRules(),
      ...incidentRules(params.incidentRecoveryMinutes),
    ],
  };

  const ratioGroup: RuleGroup = {
    name: RULE_GROUP_NAMES.ratios,
    interval: "1m",
    rules: AVAILABILITY_WINDOWS.map((w) => ({
      record: availabilityRatioSeries(w.name),
      // available / (total - maintenance); minutes that were never recorded count as unmeasured.
      expr: `sum_over_time(${MINUTE_STATE_SERIES.available}[${w.range}])
/
(${w.minutes} - sum_over_time(${MINUTE_STATE_SERIES.maintenance}[${w.range}]) > 0)`,
    })),
  };

  const outageMinutesNow = `{{ with printf "${OUTAGE_MINUTES_SERIES}{service=%q}" $labels.service | query }}{{ . | first | value | printf "%.0f" }}{{ else }}more than ${threshold}{{ end }}`;

  const alertGroup: RuleGroup = {
    name: RULE_GROUP_NAMES.alerts,
    interval: "1m",
    rules: [
      {
        record: PROBE_LAST_RUN_SERIES,
        // Newest finished run of any check of the service at any location, remembered when every
        // exporter is gone.
        expr: `max by (service) (smt_probe_last_run_timestamp_seconds)
or
${PROBE_LAST_RUN_SERIES}`,
      },
      {
        alert: ALERT_NAMES.unplannedOutage,
        // The value is the incident's start; the alert exists from the first minute its length passes
        // the threshold until the incident ends (recovery or maintenance). Label window="reserved"
        // comes from the start series.
        expr: `${INCIDENT_SERIES.start}
and on (service)
${INCIDENT_SERIES.length} > ${threshold}`,
        labels: { [ALERT_LABELS.severity]: SEVERITIES.critical },
        annotations: {
          [A.summary]: `SMT ${serviceName} unavailable for more than ${threshold} minutes outside planned maintenance`,
          [A.description]:
            `SMT ${serviceName} has been unavailable at a majority of the probe locations in ${incidentValue(INCIDENT_SERIES.unavailable)} ` +
            `of the ${incidentValue(INCIDENT_SERIES.length)} minutes from ${centralTimeOf("$value")} to ` +
            `{{ with printf "${INCIDENT_SERIES.lastEnd}{service=%q}" $labels.service | query }}{{ $end := . | first | value }}${centralTimeOf("$end")}{{ else }}now{{ end }}, ` +
            `outside any planned maintenance window` +
            `{{ if eq $labels.${ALERT_LABELS.window} "${WINDOW_LABEL_VALUES.reserved}" }} (it began inside a reserved maintenance window that no planned maintenance announced){{ end }}. ` +
            `The outage ends after ${params.incidentRecoveryMinutes} consecutive available minutes. ` +
            `SMT reports unplanned outages over 15 minutes to the market.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.unplannedOutage),
          [A.outageStartTimestamp]: unixSeconds("$value"),
          [A.outageStartCentral]: centralTimeOf("$value"),
          [A.outageEndTimestamp]: incidentValue(INCIDENT_SERIES.lastEnd),
          [A.outageUnavailableMinutes]: incidentValue(INCIDENT_SERIES.unavailable),
          [A.outageLengthMinutes]: incidentValue(INCIDENT_SERIES.length),
        },
      },
      {
        alert: ALERT_NAMES.maintenanceOverrun,
        // The unavailable run started right at the end of the last maintenance window; the value is that end.
        expr: `${OUTAGE_START_SERIES}
== on (service)
${MAINTENANCE_LAST_END_SERIES}`,
        labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
        annotations: {
          [A.summary]: `SMT ${serviceName} still unavailable after its maintenance window ended`,
          [A.description]:
            `The planned maintenance window of SMT ${serviceName} ended at ${centralTimeOf("$value")} ` +
            `and the service has been unavailable ever since (${outageMinutesNow} minutes so far). ` +
            `An update to the planned-maintenance notice is due; after ${threshold} minutes it is an unplanned outage.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.maintenanceOverrun),
          [A.windowEndTimestamp]: unixSeconds("$value"),
          [A.windowEndCentral]: centralTimeOf("$value"),
        },
      },
      {
        alert: ALERT_NAMES.probeDataMissing,
        expr: `time() - ${PROBE_LAST_RUN_SERIES} > ${params.probeDataMissingMinutes * 60}`,
        labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
        annotations: {
          [A.summary]: `No probe data for SMT ${serviceName} for ${params.probeDataMissingMinutes} minutes`,
          [A.description]:
            `No check of SMT ${serviceName} has finished a run at any location for {{ $value | humanizeDuration }} ` +
            `(exporters down, not scraped, or their checks stuck). Outside maintenance these minutes count as ` +
            `unmeasured, which lowers the availability.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.probeDataMissing),
        },
      },
      {
        alert: ALERT_NAMES.tlsCertificateExpiring,
        expr: `min by (service, check) (smt_tls_cert_not_after_timestamp_seconds) - time() < ${params.tlsCertificateWarningDays * 86_400}`,
        for: "15m",
        labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
        annotations: {
          [A.summary]: `TLS certificate of SMT ${serviceName} check {{ $labels.${ALERT_LABELS.check} }} expires within ${params.tlsCertificateWarningDays} days`,
          [A.description]:
            `{{ if lt $value 0.0 }}The certificate presented to check {{ $labels.${ALERT_LABELS.check} }} has expired.` +
            `{{ else }}The certificate presented to check {{ $labels.${ALERT_LABELS.check} }} expires in {{ $value | humanizeDuration }}.{{ end }}`,
          [A.runbookUrl]: runbook(ALERT_NAMES.tlsCertificateExpiring),
        },
      },
      {
        alert: ALERT_NAMES.dataDeliveryLate,
        // The exporters compute the newest usage day whose deadline has passed (Central time, DST-aware)
        // at each scrape; the data is late when no check of the service saw that day in the last hour
        // (or saw no day at all). The value is the overdue usage day (00:00 Central).
        expr: `max by (service) (smt_data_expected_usage_day_timestamp_seconds)
> max by (service) (max_over_time(smt_data_latest_usage_day_timestamp_seconds[1h]))
or
max by (service) (smt_data_expected_usage_day_timestamp_seconds)
unless on (service)
max by (service) (max_over_time(smt_data_latest_usage_day_timestamp_seconds[1h]))`,
        for: `${params.dataDeliveryLateMinutes}m`,
        labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
        annotations: {
          [A.summary]: `SMT ${serviceName} energy data for {{ ($value | toTime).Format "2006-01-02" }} is late`,
          [A.description]:
            `The energy data of usage day {{ ($value | toTime).Format "2006-01-02" }} is not available on SMT ${serviceName} ` +
            `although its delivery deadline has passed (FTPS: 23:00 Central on the next day; GUI and API: 06:00 Central two days later). ` +
            `The newest usage day the energy-data checks see is ` +
            `{{ with printf "max(max_over_time(smt_data_latest_usage_day_timestamp_seconds{service=%q}[1h]))" $labels.service | query }}` +
            `{{ (. | first | value | toTime).Format "2006-01-02" }}{{ else }}none{{ end }}. ` +
            `Time to market is reported to the market monthly.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.dataDeliveryLate),
          [A.usageDay]: `{{ ($value | toTime).Format "2006-01-02" }}`,
          // For the business-process notice (docs/notices.md): the deadline that passed and the newest day seen.
          [A.deadlineTimestamp]:
            `{{ with printf "max(smt_data_expected_usage_day_deadline_timestamp_seconds{service=%q})" $labels.service | query }}` +
            `{{ . | first | value | printf "%.0f" }}{{ end }}`,
          [A.latestUsageDay]:
            `{{ with printf "max(max_over_time(smt_data_latest_usage_day_timestamp_seconds{service=%q}[1h]))" $labels.service | query }}` +
            `{{ (. | first | value | toTime).Format "2006-01-02" }}{{ end }}`,
        },
      },
      {
        alert: ALERT_NAMES.dataQualityFailing,
        // The share of canary meters whose quality usage day has a missing, duplicate or negative
        // interval, per check (each check reads every canary), the worst check of the service.
        expr: `max by (service) (
  ${QUALITY_METERS_METRIC}{figure="failed"}
  / ignoring (figure)
  (${QUALITY_METERS_METRIC}{figure="checked"} > 0)
) > ${params.dataQualityFailedMeterShare}`,
        for: `${params.dataQualityFailingMinutes}m`,
        labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
        annotations: {
          [A.summary]: `SMT ${serviceName} energy data fails the quality checks for {{ $value | humanizePercentage }} of the canary meters`,
          [A.description]:
            `The energy data of usage day ${QUALITY_DAY_TEMPLATE} on SMT ${serviceName} has a missing, duplicate or negative ` +
            `15-minute interval for {{ $value | humanizePercentage }} of the canary meters (more than ${Math.round(params.dataQualityFailedMeterShare * 1000) / 10} %). ` +
            `Data quality is reported to the market monthly.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.dataQualityFailing),
          [A.usageDay]: QUALITY_DAY_TEMPLATE,
          [A.failedMeters]: qualityMeters("failed"),
          [A.meters]: qualityMeters("checked"),
          [A.failedMeterShareLimit]: String(params.dataQualityFailedMeterShare),
        },
      },
      {
        alert: ALERT_NAMES.exporterConfigReloadFailed,
        expr: `smt_exporter_config_last_reload_successful == 0`,
        for: "5m",
        labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
        annotations: {
          [A.summary]: `smt-monitor exporter {{ $labels.instance }} rejected its configuration`,
          [A.description]:
            `The last load or reload of the exporter's configuration at {{ $labels.instance }} failed; it keeps ` +
            `running the previous configuration. Run "smt-monitor check-config" on the file and see the exporter's log.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.exporterConfigReloadFailed),
        },
      },
      {
        alert: ALERT_NAMES.notifierStorageFailing,
        // The notifier's periodic tick writes a heartbeat every 15 s, so a store that takes no
        // writes fails about 20 times in 5 minutes; a one-off failure (a lock, a retried webhook) stays below 3.
        expr: `sum by (job, instance) (increase(${NOTIFIER_STORAGE_ERRORS_METRIC}[5m])) > ${NOTIFIER_STORAGE_ERRORS_THRESHOLD}`,
        for: "2m",
        labels: { [ALERT_LABELS.severity]: SEVERITIES.critical },
        annotations: {
          [A.summary]: `The notice store of smt-monitor notifier {{ $labels.instance }} cannot be written`,
          [A.description]:
            `{{ $value | printf "%.0f" }} writes to the notifier's SQLite store failed in the last 5 minutes (disk full, read-only ` +
            `file system, I/O error, corruption or a lock). Alertmanager notifications get 500 and are retried, no notice drafts are ` +
            `made, and /-/ready answers 503 with the reason. See the notifier's log.`,
          [A.runbookUrl]: runbook(ALERT_NAMES.notifierStorageFailing),
        },
      },
      ...outageMessageAlerts({
        thresholdMinutes: threshold,
        runbook,
        series: {
          incidentLength: INCIDENT_SERIES.length,
          incidentRecovery: INCIDENT_SERIES.recovery,
          incidentStart: INCIDENT_SERIES.start,
          maintenanceMinute: MINUTE_STATE_SERIES.maintenance,
        },
      }),
    ],
  };

  return [
    {
      name: "smt-availability.rules.yml",
      description:
        "Per service and wall-clock minute, exactly one of maintenance / unmeasured / unavailable / available,\n" +
        "the current unplanned outage, and rolling availability ratios (docs/slo.md).",
      groups: [minuteGroup, ratioGroup],
    },
    {
      name: "smt-alerts.rules.yml",
      description: `Alerts of the SMT availability objective; unplanned outage threshold: ${threshold} minutes (docs/slo.md, docs/runbook.md).`,
      groups: [alertGroup],
    },
  ];
}

/**
 * Reserved windows and announced planned maintenance per minute (whatever the policy excludes), and
 * the policy the exporters apply: what the report's reserved-window section sums.
 */
function reservedWindowRules(): RecordingRule[] {
  const zero = `(\n${indent(EVERY_SERVICE_ZERO, 2)}\n)`;
  return [
    { record: RESERVED_MINUTE_SERIES.reserved, expr: `(\n${indent(RESERVED_BY_WINDOW, 2)}\n)\nor\n${zero}` },
    {
      record: RESERVED_MINUTE_SERIES.reservedAnnounced,
      // From the gauges alone (not the series above), so that backfilling the rules with promtool works too.
      expr: `(\n${indent(RESERVED_BY_WINDOW, 2)}\n  * on (service)\n${indent(PLANNED_BY_WINDOW, 2)}\n)\nor\n${zero}`,
    },
    { record: EXCLUDE_POLICY_SERIES, expr: `max by (${EXCLUDE_POLICY_LABEL}) (${MAINTENANCE_GAUGES.excludePolicy})` },
  ];
}

/**
 * The open outage incident of each service, minute by minute (INCIDENT_SERIES; docs/slo.md). Each
 * rule reads the minute states just recorded and the incident series of the previous minute (a
 * series read before its own rule in the group is its previous value). An incident is open after a
 * minute when the minute is unavailable, or when one was open before, the minute is not maintenance
 * and fewer than `recovery` consecutive available minutes followed its last unavailable minute (an
 * unmeasured minute neither extends nor recovers it: the count of available minutes starts again).
 */
function incidentRules(recovery: number): RecordingRule[] {
  const S = MINUTE_STATE_SERIES;
  const I = INCIDENT_SERIES;
  const newStart = `(${I.recovery} * 0 + ${MINUTE_START})`;
  return [
    {
      record: I.recovery,
      expr: `(${S.unavailable} == 1) * 0
or on (service)
(
    (${I.recovery} + 1 < ${recovery})
  and on (service)
    (${S.available} == 1)
)
or on (service)
(
    ${I.recovery} * 0
  and on (service)
    (${S.unmeasured} == 1)
)`,
    },
    {
      // Carried from the previous minute while the incident stays open (labels included), else the
      // minute's start for a new one; window="reserved" when that minute lies in a reserved window.
      record: I.start,
      expr: `(
    ${I.start}
  and on (service)
    ${I.recovery}
)
or on (service)
(
    ${newStart}
  unless on (service)
    (${RESERVED_MINUTE_SERIES.reserved} == 1)
)
or on (service)
label_replace(
    ${newStart}
  and on (service)
    (${RESERVED_MINUTE_SERIES.reserved} == 1),
  "${ALERT_LABELS.window}", "${WINDOW_LABEL_VALUES.reserved}", "", ""
)`,
    },
    {
      record: I.lastEnd,
      expr: `(${S.unavailable} == 1) * 0 + ${MINUTE_END}
or on (service)
(
    ${I.lastEnd}
  and on (service)
    ${I.recovery}
)`,
    },
    {
      record: I.unavailable,
      expr: `(
    (${I.unavailable} + on (service) ${S.unavailable})
  and on (service)
    ${I.recovery}
)
or on (service)
(${S.unavailable} == 1)`,
    },
    {
      record: I.length,
      expr: `(${I.lastEnd} - on (service) ${I.start}) / ${MINUTE_SECONDS}`,
    },
  ];
}

/** The quality usage day of the alert's service, YYYY-MM-DD (SMTDataQualityFailing). */
const QUALITY_DAY_TEMPLATE =
  `{{ with printf "max(smt_data_quality_usage_day_timestamp_seconds{service=%q})" $labels.service | query }}` +
  `{{ (. | first | value | toTime).Format "2006-01-02" }}{{ end }}`;

/** Canary meters of the alert's service by figure, from the check with the worst share (SMTDataQualityFailing). */
function qualityMeters(figure: "failed" | "checked"): string {
  const m = QUALITY_METERS_METRIC;
  const worst = `topk(1, ${m}{service=%q,figure=%q} / ignoring (figure) (${m}{service=%q,figure=%q} > 0))`;
  return (
    `{{ with printf "max(${m}{figure=%q} and on (service, check, location) ${worst})" "${figure}" $labels.service "failed" $labels.service "checked" | query }}` +
    `{{ . | first | value | printf "%.0f" }}{{ end }}`
  );
}

function validate(p: AvailabilityRuleParameters): void {
  const wholePositive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a whole number of at least 1, got ${v}`);
  };
  wholePositive("unplannedOutageMinutes", p.unplannedOutageMinutes);
  wholePositive("incidentRecoveryMinutes", p.incidentRecoveryMinutes);
  wholePositive("probeDataMissingMinutes", p.probeDataMissingMinutes);
  wholePositive("tlsCertificateWarningDays", p.tlsCertificateWarningDays);
  wholePositive("dataDeliveryLateMinutes", p.dataDeliveryLateMinutes);
  wholePositive("dataQualityFailingMinutes", p.dataQualityFailingMinutes);
  if (!(p.dataQualityFailedMeterShare >= 0 && p.dataQualityFailedMeterShare < 1))
    throw new Error(`dataQualityFailedMeterShare: expected a share from 0 to below 1, got ${p.dataQualityFailedMeterShare}`);
  if (!/^https?:\/\/\S+$/.test(p.runbookBaseUrl)) throw new Error(`runbookBaseUrl: expected an http(s) URL, got "${p.runbookBaseUrl}"`);
}

function indent(text: string, n: number): string {
  const pad = " ".repeat(n);
  return text
    .split("\n")
    .map((line) => (line ? pad + line : line))
    .join("\n");
}
