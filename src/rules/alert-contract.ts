/**
 * The contract between the alert rules and the rooms that read their alerts: the alert names, the
 * label names and the annotation keys. The rule generator (availability-rules.ts) writes them, the
 * notifier (src/notices/), the dashboards (src/dashboards/) and the report read them, and all of them
 * import the names from here, so a rename is one edit here (or breaks the build), never a silent
 * mismatch in production. test/alert-contract.test.ts checks the checked-in rule files against it.
 * A leaf module: it imports nothing. Overview: docs/notices.md, "The alert contract".
 */

/** Every alert of the generated rules (prometheus/rules/smt-alerts.rules.yml). */
export const ALERT_NAMES = {
  unplannedOutage: "SMTUnplannedOutage",
  maintenanceOverrun: "SMTMaintenanceOverrun",
  probeDataMissing: "SMTProbeDataMissing",
  tlsCertificateExpiring: "SMTTLSCertificateExpiring",
  dataDeliveryLate: "SMTDataDeliveryLate",
  dataQualityFailing: "SMTDataQualityFailing",
  exporterConfigReloadFailed: "SMTExporterConfigReloadFailed",
  notifierStorageFailing: "SMTNotifierStorageFailing",
  /** Operator alerts, no market notices (docs/runbook.md): the homepage outage message (seed 3.3). */
  outageMessageMissing: "SMTOutageMessageMissing",
  outageMessageStale: "SMTOutageMessageStale",
} as const;
export type AlertName = (typeof ALERT_NAMES)[keyof typeof ALERT_NAMES];

/** The alerts about the notice service, written by hand in prometheus/notices/smt-notices.rules.yml. */
export const NOTICE_ALERT_NAMES = {
  plannedNoticeOverdue: "SMTPlannedNoticeOverdue",
  noticeChannelFailing: "SMTNoticeChannelFailing",
} as const;

/**
 * Every smt-monitor alert name starts with this; Alertmanager routes `alertname =~ "SMT.+"` to the
 * notifier and the dashboards list `ALERTS{alertname=~"SMT.+"}`.
 */
export const ALERT_NAME_PREFIX = "SMT";
/** The regular expression (PromQL and Alertmanager matchers) that matches every smt-monitor alert name. */
export const ALERT_NAME_PATTERN = `${ALERT_NAME_PREFIX}.+`;

/** Label names on the alerts (and on the series the rules aggregate by). */
export const ALERT_LABELS = {
  /** Set by Prometheus: the alert's name. */
  alertname: "alertname",
  /** The SLO service (gui, api, ftps, han, call_center) the alert is about. */
  service: "service",
  /** The check (config `checks[].name`) of SMTTLSCertificateExpiring. */
  check: "check",
  severity: "severity",
  /**
   * SMTUnplannedOutage: `reserved` when the outage incident began inside a reserved maintenance
   * window (the recurring calendar) that no announced planned maintenance covered; absent otherwise.
   */
  window: "window",
} as const;

/** Values of the `window` label. */
export const WINDOW_LABEL_VALUES = { reserved: "reserved" } as const;

export const SEVERITIES = { critical: "critical", warning: "warning", info: "info" } as const;
export type Severity = (typeof SEVERITIES)[keyof typeof SEVERITIES];

/** Prometheus's own series of pending and firing alerts, and its state label. */
export const ALERTS_SERIES = "ALERTS";
export const ALERT_STATE_LABEL = "alertstate";

/** Annotation keys the rules write. */
export const ALERT_ANNOTATIONS = {
  summary: "summary",
  description: "description",
  runbookUrl: "runbook_url",
  /** SMTUnplannedOutage: the outage's first unavailable minute, whole Unix seconds. */
  outageStartTimestamp: "outage_start_timestamp",
  /** SMTUnplannedOutage: the same instant in Central time, for people. */
  outageStartCentral: "outage_start_central",
  /** SMTUnplannedOutage: the end of the incident's last unavailable minute so far, whole Unix seconds. */
  outageEndTimestamp: "outage_end_timestamp",
  /** SMTUnplannedOutage: unavailable minutes of the incident so far (a whole number). */
  outageUnavailableMinutes: "outage_unavailable_minutes",
  /** SMTUnplannedOutage: the incident's length so far, first to last unavailable minute (a whole number of minutes). */
  outageLengthMinutes: "outage_length_minutes",
  /** SMTMaintenanceOverrun: the end of the maintenance window the service did not come back from, Unix seconds. */
  windowEndTimestamp: "window_end_timestamp",
  /** SMTMaintenanceOverrun: the same instant in Central time, for people. */
  windowEndCentral: "window_end_central",
  /** SMTDataDeliveryLate: the overdue usage day; SMTDataQualityFailing: the usage day checked. YYYY-MM-DD. */
  usageDay: "usage_day",
  /** SMTDataDeliveryLate: the delivery deadline of that usage day that passed, whole Unix seconds (empty when unknown). */
  deadlineTimestamp: "deadline_timestamp",
  /** SMTDataDeliveryLate: the newest usage day the energy-data checks see, YYYY-MM-DD (empty when none). */
  latestUsageDay: "latest_usage_day",
  /** SMTDataQualityFailing: canary meters whose usage day failed the quality checks (a whole number). */
  failedMeters: "failed_meters",
  /** SMTDataQualityFailing: canary meters checked that usage day (a whole number). */
  meters: "meters",
  /** SMTDataQualityFailing: the share of canary meters above which it fires (0-1). */
  failedMeterShareLimit: "failed_meter_share_limit",
} as const;
export type AlertAnnotation = (typeof ALERT_ANNOTATIONS)[keyof typeof ALERT_ANNOTATIONS];
