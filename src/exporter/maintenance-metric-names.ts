/**
 * The names of the exporter's maintenance gauges that the availability rules read
 * (src/rules/availability-rules.ts): owned here by the exporter that produces them
 * (maintenance-metrics.ts). A leaf module: it imports nothing. See docs/metrics.md.
 */
export const MAINTENANCE_GAUGES = {
  /** The maintenance `maintenance.exclude` takes out of the availability figures: current window, else the next. */
  excludedStart: "smt_maintenance_window_start_timestamp_seconds",
  excludedEnd: "smt_maintenance_window_end_timestamp_seconds",
  /** Reserved windows (the recurring calendar), announced or not. */
  reservedStart: "smt_maintenance_reserved_window_start_timestamp_seconds",
  reservedEnd: "smt_maintenance_reserved_window_end_timestamp_seconds",
  /** Planned maintenance (announced, or to be announced), whatever the policy. */
  plannedStart: "smt_maintenance_planned_window_start_timestamp_seconds",
  plannedEnd: "smt_maintenance_planned_window_end_timestamp_seconds",
  /** 1 with label `policy` = the maintenance.exclude policy in force. */
  excludePolicy: "smt_maintenance_exclude_policy",
} as const;
export const EXCLUDE_POLICY_LABEL = "policy";
