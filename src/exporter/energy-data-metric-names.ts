/**
 * Names of the energy-data series that the rules read by name (a leaf module: the exporter writes
 * them, src/rules/availability-rules.ts reads them; docs/metrics.md, "Energy data").
 */

/** Canary meters of the quality usage day, by figure (QUALITY_METER_FIGURES). */
export const QUALITY_METERS_METRIC = "smt_data_quality_meters";
/** `checked`: canary meters read that day; `failed`: those with a missing, duplicate or negative interval. */
export const QUALITY_METER_FIGURES = ["checked", "failed"] as const;
