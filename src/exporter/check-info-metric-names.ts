/**
 * The name and label of the exporter's per-check info series, owned here by the exporter that
 * produces it (probe-metrics.ts) and read by the availability rules (src/rules/availability-rules.ts):
 * which checks count for their service's availability (config `counts_for_availability`). A leaf
 * module: it imports nothing. See docs/metrics.md.
 */
export const CHECK_INFO_METRIC = "smt_check_info";
/** "true" or "false": the check's `counts_for_availability` (absent in the config: "true"). */
export const COUNTS_FOR_AVAILABILITY_LABEL = "counts_for_availability";
