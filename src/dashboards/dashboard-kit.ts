import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as common from "@grafana/grafana-foundation-sdk/common";
import { MINUTE_SECONDS, RECORDING_DELAY_SECONDS } from "../rules/minute-timing.js";

/**
 * What every smt-monitor dashboard shares (docs/dashboards.md): the provisioned data source, the
 * time zone, and the shift that lines the recorded minute series up with wall-clock minutes.
 */

/** The uid of grafana/provisioning/datasources/prometheus.yaml; the dashboards refer to nothing else. */
export const PROMETHEUS_DATASOURCE_UID = "smt-prometheus";
export const DASHBOARD_TAGS = ["smt", "smt-monitor"];

export const PROMETHEUS: dashboard.DataSourceRef = { type: "prometheus", uid: PROMETHEUS_DATASOURCE_UID };

/**
 * The sample that describes minute m is recorded at m + 70 s … m + 130 s (docs/slo.md, "How a
 * minute is recorded"), so the minutes of [A, B) are the samples of (A + 70 s, B + 70 s]: a range
 * selector ending at B reads them with `offset -70s`.
 */
export const MINUTE_SHIFT = `offset -${MINUTE_SECONDS + RECORDING_DELAY_SECONDS}s`;

/** A Prometheus query of a panel; instant queries are evaluated at the end of the panel's range. */
export function promQuery(
  refId: string,
  expr: string,
  o: { legend?: string; instant?: boolean; table?: boolean; interval?: string } = {},
): prometheus.DataqueryBuilder {
  const q = new prometheus.DataqueryBuilder().datasource(PROMETHEUS).refId(refId).expr(expr).editorMode(prometheus.QueryEditorMode.Code);
  if (o.legend !== undefined) q.legendFormat(o.legend);
  if (o.instant) q.instant();
  else q.range();
  if (o.table) q.format(prometheus.PromQueryFormat.Table);
  if (o.interval) q.interval(o.interval);
  return q;
}

export interface Step {
  value: number | null;
  color: string;
}
/** Absolute thresholds, the first one the base (value null). */
export function thresholds(...steps: Step[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** Red below 99 %: the SLO's monthly objective. */
export const AVAILABILITY_THRESHOLDS = () => thresholds({ value: null, color: "red" }, { value: 0.99, color: "green" });

export function valueText(map: Record<string, { text: string; color: string }>): dashboard.ValueMapping {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  Object.entries(map).forEach(([value, r], index) => (options[value] = { text: r.text, color: r.color, index }));
  return { type: dashboard.MappingType.ValueToText, options };
}

export function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);
}

export function gridPos(x: number, y: number, w: number, h: number): dashboard.GridPos {
  return { x, y, w, h };
}

export function dashboardLinks(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder("SMT dashboards")
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags(["smt"])
    .asDropdown(true)
    .includeVars(false)
    .keepTime(true);
}

/** Transformations of instant table queries: one row per series, the query values side by side. */
export function mergeAndRename(rename: Record<string, string>, exclude: string[] = ["Time"]): dashboard.DataTransformerConfig[] {
  return [
    { id: "merge", options: {} },
    {
      id: "organize",
      options: {
        excludeByName: Object.fromEntries(exclude.map((f) => [f, true])),
        renameByName: rename,
        indexByName: {},
      },
    },
  ];
}
