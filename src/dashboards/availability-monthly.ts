import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { ALERTS_SERIES, ALERT_LABELS as L, ALERT_NAMES, ALERT_NAME_PATTERN, ALERT_STATE_LABEL } from "../rules/alert-contract.js";
import { MINUTE_STATE_SERIES, availabilityRatioSeries } from "../rules/availability-rules.js";
import {
  AVAILABILITY_THRESHOLDS,
  DASHBOARD_TAGS,
  MINUTE_SHIFT,
  PROMETHEUS,
  dashboardLinks,
  gridPos,
  lastValue,
  mergeAndRename,
  promQuery,
  thresholds,
  valueText,
} from "./dashboard-kit.js";
import { addMarketDataPanels } from "./market-data-panels.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

export const AVAILABILITY_MONTHLY_UID = "smt-availability-monthly";

/** Minutes of a state over the panel's range (the recorded minute series, lined up with wall-clock minutes). */
const minutesOf = (series: string, range = "$__range") => `sum by (service) (sum_over_time(${series}[${range}] ${MINUTE_SHIFT}))`;

/**
 * Availability over the panel's range: available / (minutes of the range - maintenance minutes).
 * Minutes that were never recorded count as unmeasured, as in the report (docs/slo.md).
 */
export const AVAILABILITY_OVER_RANGE = `${minutesOf(MINUTE_STATE_SERIES.available)}
/
(($__range_s / 60) - ${minutesOf(MINUTE_STATE_SERIES.maintenance)} > 0)`;

/** How many calendar months (this one included) the month-by-month panels show. */
export const MONTHS_SHOWN = 13;

function availabilityStat(title: string, description: string, timeShift?: string): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS)
    .withTarget(promQuery("A", AVAILABILITY_OVER_RANGE, { legend: "{{service}}", instant: true }))
    .unit("percentunit")
    .decimals(3)
    .min(0)
    .max(1)
    .thresholds(AVAILABILITY_THRESHOLDS())
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(lastValue())
    .noValue("no data")
    .timeFrom("now/M");
  if (timeShift) p.timeShift(timeShift);
  return p;
}

/** Per state: 0 available, 1 maintenance, 2 unmeasured, 3 unavailable (the worst minute of each step wins). */
const STATE_OVER_STEP = (() => {
  const worst = (series: string) => `max_over_time(${series}[$__interval] ${MINUTE_SHIFT})`;
  const u = worst(MINUTE_STATE_SERIES.unavailable);
  const n = worst(MINUTE_STATE_SERIES.unmeasured);
  const m = worst(MINUTE_STATE_SERIES.maintenance);
  return `max by (service) (
  3 * ${u}
  + (1 - ${u}) * (2 * ${n} + (1 - ${n}) * ${m})
)`;
})();

export function availabilityMonthlyDashboard(): dashboard.Dashboard {
  const d = new dashboard.DashboardBuilder("SMT availability, monthly")
    .uid(AVAILABILITY_MONTHLY_UID)
    .description(
      "Monthly availability of each SMT service in minutes, excluding planned maintenance (docs/slo.md). " +
        "The default range is this month so far; pick 'Previous month' for a whole calendar month. `smt-monitor report` gives the authoritative figures.",
    )
    .tags(DASHBOARD_TAGS)
    .timezone(CENTRAL_TIME_ZONE)
    .time({ from: "now/M", to: "now" })
    .refresh("1m")
    .editable()
    .link(dashboardLinks())
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name("Planned maintenance")
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor("blue")
        .expr(`max by (service) (${MINUTE_STATE_SERIES.maintenance} ${MINUTE_SHIFT}) == 1`)
        .step("60s")
        .titleFormat("Planned maintenance")
        .textFormat("{{service}}")
        .tagKeys("service"),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name("Unplanned outage alerts")
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor("red")
        .expr(`max by (${L.alertname}, ${L.service}) (${ALERTS_SERIES}{${L.alertname}="${ALERT_NAMES.unplannedOutage}", ${ALERT_STATE_LABEL}="firing"})`)
        .step("60s")
        .titleFormat(`{{${L.alertname}}}`)
        .textFormat(`{{${L.service}}}`)
        .tagKeys(`${L.alertname},${L.service}`),
    );

  let id = 1;
  const next = () => id++;

  d.withRow(new dashboard.RowBuilder("This month and the previous month").id(next()).gridPos(gridPos(0, 0, 24, 1)));
  d.withPanel(
    availabilityStat(
      "Availability this month (so far)",
      "Available minutes / (minutes so far - planned maintenance minutes), this calendar month in Central time. Red below 99 %.",
    )
      .id(next())
      .gridPos(gridPos(0, 1, 12, 5)),
  );
  d.withPanel(
    availabilityStat("Availability previous month", "The whole previous calendar month in Central time. Red below 99 %.", "1M/M")
      .id(next())
      .gridPos(gridPos(12, 1, 12, 5)),
  );

  // Whole minutes of the range (a range ending "now" ends inside a minute).
  const unmeasured = `scalar(floor(vector($__range_s / 60))) - (${minutesOf(MINUTE_STATE_SERIES.available)} + ${minutesOf(MINUTE_STATE_SERIES.unavailable)} + ${minutesOf(MINUTE_STATE_SERIES.maintenance)})`;
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("Minutes in the range, by state")
      .description(
        "Per service: available, unavailable, planned-maintenance and unmeasured minutes (unmeasured includes minutes Prometheus never recorded) and the availability, over the dashboard's range.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 6, 24, 7))
      .withTarget(promQuery("A", minutesOf(MINUTE_STATE_SERIES.available), { instant: true, table: true }))
      .withTarget(promQuery("B", minutesOf(MINUTE_STATE_SERIES.unavailable), { instant: true, table: true }))
      .withTarget(promQuery("C", minutesOf(MINUTE_STATE_SERIES.maintenance), { instant: true, table: true }))
      .withTarget(promQuery("D", unmeasured, { instant: true, table: true }))
      .withTarget(promQuery("E", AVAILABILITY_OVER_RANGE, { instant: true, table: true }))
      .transformations(
        mergeAndRename({
          service: "Service",
          "Value #A": "Available",
          "Value #B": "Unavailable",
          "Value #C": "Maintenance",
          "Value #D": "Unmeasured",
          "Value #E": "Availability",
        }),
      )
      .decimals(0)
      .overrideByName("Availability", [
        { id: "unit", value: "percentunit" },
        { id: "decimals", value: 3 },
        { id: "thresholds", value: AVAILABILITY_THRESHOLDS().build() },
        { id: "custom.cellOptions", value: { type: "color-background" } },
      ]),
  );

  d.withRow(new dashboard.RowBuilder("Availability by calendar month (Central time)").id(next()).gridPos(gridPos(0, 13, 24, 1)));
  for (let k = 0; k < MONTHS_SHOWN; k++) {
    const title = k === 0 ? "This month (so far)" : k === 1 ? "1 month ago" : `${k} months ago`;
    d.withPanel(
      availabilityStat(title, "Availability per service over one whole calendar month in Central time. Red below 99 %.", k === 0 ? undefined : `${k}M/M`)
        .id(next())
        .orientation(common.VizOrientation.Horizontal)
        .textMode(common.BigValueTextMode.ValueAndName)
        .gridPos(gridPos((k % 4) * 6, 14 + Math.floor(k / 4) * 5, 6, 5)),
    );
  }
  const y = 14 + Math.ceil(MONTHS_SHOWN / 4) * 5;

  d.withRow(new dashboard.RowBuilder("Outages").id(next()).gridPos(gridPos(0, y, 24, 1)));
  d.withPanel(
    new statetimeline.PanelBuilder()
      .id(next())
      .title("Minute states (worst minute of each step)")
      .description(
        `Unavailable wins over unmeasured, unmeasured over maintenance, maintenance over available. Blue annotations mark planned maintenance, red ones ${ALERT_NAMES.unplannedOutage}.`,
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, y + 1, 24, 7))
      .interval("1m")
      .maxDataPoints(1500)
      .withTarget(promQuery("A", STATE_OVER_STEP, { legend: "{{service}}" }))
      .mappings([
        valueText({
          "0": { text: "available", color: "green" },
          "1": { text: "maintenance", color: "blue" },
          "2": { text: "unmeasured", color: "text" },
          "3": { text: "unavailable", color: "red" },
        }),
      ])
      .thresholds(thresholds({ value: null, color: "green" }))
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .rowHeight(0.8)
      .fillOpacity(80),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Rolling availability (1 day, 30 days)")
      .description("smt:service_availability:ratio_1d and _30d: rolling windows of recorded minutes, not calendar months.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, y + 8, 12, 8))
      .withTarget(promQuery("A", availabilityRatioSeries("1d"), { legend: "{{service}} 1d" }))
      .withTarget(promQuery("B", availabilityRatioSeries("30d"), { legend: "{{service}} 30d" }))
      .unit("percentunit")
      .decimals(2)
      .max(1)
      .thresholds(AVAILABILITY_THRESHOLDS())
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line)),
  );
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("Firing alerts (now)")
      .description("SMT alerts firing right now (Prometheus ALERTS series), whatever the dashboard's range.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, y + 8, 12, 8))
      .timeFrom("5m")
      .withTarget(
        promQuery(
          "A",
          `max by (${L.alertname}, ${L.service}, ${L.check}, ${L.severity}) (${ALERTS_SERIES}{${L.alertname}=~"${ALERT_NAME_PATTERN}", ${ALERT_STATE_LABEL}="firing"})`,
          {
            instant: true,
            table: true,
          },
        ),
      )
      .transformations(mergeAndRename({ [L.alertname]: "Alert", [L.service]: "Service", [L.check]: "Check", [L.severity]: "Severity" }, ["Time", "Value"]))
      .noValue("No SMT alert is firing"),
  );
  // Time to market, data quality, call-center tickets and HAN devices (docs/report.md).
  addMarketDataPanels(d, y + 16, next);

  return d.build();
}
