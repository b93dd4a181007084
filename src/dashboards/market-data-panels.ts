import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { ALERT_NAMES } from "../rules/alert-contract.js";
import { PROMETHEUS, gridPos, lastValue, mergeAndRename, promQuery, thresholds, valueText } from "./dashboard-kit.js";

/**
 * The monthly dashboard's panels for the rest of the SLO document's monthly reporting: time to market
 * and data quality of the energy data (docs/energy-data.md), call-center tickets and HAN devices
 * (docs/market-figures.md). `smt-monitor report` gives the month's authoritative figures
 * (docs/report.md); these show the state and its course over the dashboard's range.
 */

/** The newest usage day any check of a service saw in the last hour (its exporters run a check every 15 min). */
export const LATEST_USAGE_DAY = `max by (service) (max_over_time(smt_data_latest_usage_day_timestamp_seconds[1h]))`;
export const EXPECTED_USAGE_DAY = `max by (service) (smt_data_expected_usage_day_timestamp_seconds)`;
/** 1 while a service's data is late (a deadline passed without the day), else 0: SMTDataDeliveryLate's condition. */
export const DATA_LATE = `${EXPECTED_USAGE_DAY} > bool ${LATEST_USAGE_DAY}`;
const quality = (figure: string) => `max by (service) (smt_data_quality_intervals{figure="${figure}"})`;
/** Several exporters read the same source: count it once, then add the sources up. */
export const TICKETS_BY_MONTH_AND_TYPE = `sum by (month, type) (max by (source, month, type) (smt_call_center_tickets))`;
export const HAN_BY_STATUS_AND_TDSP = `sum by (status, tdsp) (max by (source, status, tdsp) (smt_han_devices))`;

/** Adds a row of panels at height y; returns the height below them. */
export function addMarketDataPanels(d: dashboard.DashboardBuilder, y: number, next: () => number): number {
  d.withRow(new dashboard.RowBuilder("Energy data, call center and HAN devices").id(next()).gridPos(gridPos(0, y, 24, 1)));
  d.withPanel(
    new statetimeline.PanelBuilder()
      .id(next())
      .title("Energy data delivery (late: a deadline passed without the day)")
      .description(
        `Per service, late while the newest usage day whose deadline has passed (FTPS 23:00 on D+1, GUI and API 06:00 on D+2, Central) is newer than the newest day the energy-data checks saw: the condition of ${ALERT_NAMES.dataDeliveryLate}.`,
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, y + 1, 12, 6))
      .interval("5m")
      .maxDataPoints(1000)
      .withTarget(promQuery("A", DATA_LATE, { legend: "{{service}}" }))
      .mappings([valueText({ "0": { text: "on time", color: "green" }, "1": { text: "late", color: "red" } })])
      .thresholds(thresholds({ value: null, color: "green" }))
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .rowHeight(0.8)
      .fillOpacity(80),
  );
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("Energy data at the end of the range: newest usage day and its quality")
      .description(
        "Per service: the newest usage day every canary ESIID has, the newest day due, days behind, and the intervals of the newest day (canary ESIIDs, 96 a day, 92 and 100 on the DST days) that are missing, duplicate, negative or estimated.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, y + 1, 12, 6))
      .withTarget(promQuery("A", `${LATEST_USAGE_DAY} * 1000`, { instant: true, table: true }))
      .withTarget(promQuery("B", `${EXPECTED_USAGE_DAY} * 1000`, { instant: true, table: true }))
      .withTarget(promQuery("C", `clamp_min((${EXPECTED_USAGE_DAY} - ${LATEST_USAGE_DAY}) / 86400, 0)`, { instant: true, table: true }))
      .withTarget(promQuery("D", quality("missing"), { instant: true, table: true }))
      .withTarget(promQuery("E", quality("duplicate"), { instant: true, table: true }))
      .withTarget(promQuery("F", quality("negative"), { instant: true, table: true }))
      .withTarget(promQuery("G", `${quality("estimated")} / (${quality("received")} > 0)`, { instant: true, table: true }))
      .transformations(
        mergeAndRename({
          service: "Service",
          "Value #A": "Newest usage day",
          "Value #B": "Due",
          "Value #C": "Days behind",
          "Value #D": "Missing",
          "Value #E": "Duplicate",
          "Value #F": "Negative",
          "Value #G": "Estimated",
        }),
      )
      .decimals(0)
      .overrideByName("Newest usage day", [{ id: "unit", value: "time:YYYY-MM-DD" }])
      .overrideByName("Due", [{ id: "unit", value: "time:YYYY-MM-DD" }])
      .overrideByName("Days behind", [
        { id: "thresholds", value: thresholds({ value: null, color: "green" }, { value: 1, color: "red" }).build() },
        { id: "custom.cellOptions", value: { type: "color-background" } },
      ])
      .overrideByName("Estimated", [
        { id: "unit", value: "percentunit" },
        { id: "decimals", value: 2 },
      ])
      .noValue("No energy-data check"),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Flawed intervals of the newest usage day")
      .description(
        "smt_data_quality_intervals of the canary ESIIDs: missing, duplicate, negative and estimated intervals of the newest usage day each check saw.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, y + 7, 12, 8))
      .interval("5m")
      .withTarget(
        promQuery("A", `max by (service, figure) (smt_data_quality_intervals{figure=~"missing|duplicate|negative|estimated"})`, {
          legend: "{{service}} {{figure}}",
        }),
      )
      .decimals(0)
      .min(0),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Call-center tickets by month (as reported)")
      .description(
        "All types, per month label of smt_call_center_tickets: the current month grows, past months settle. Sources are added up; an exporter reading the same source counts once.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, y + 7, 12, 8))
      .interval("5m")
      .withTarget(promQuery("A", `sum by (month) (${TICKETS_BY_MONTH_AND_TYPE})`, { legend: "{{month}}" }))
      .decimals(0)
      .min(0),
  );
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("Call-center tickets by month and type (end of the range)")
      .description("smt_call_center_tickets as last reported: one row per month and type, newest month first.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, y + 15, 12, 9))
      .withTarget(promQuery("A", TICKETS_BY_MONTH_AND_TYPE, { instant: true, table: true }))
      .transformations(mergeAndRename({ month: "Month", type: "Type", Value: "Tickets" }))
      .sortBy([new common.TableSortByFieldStateBuilder().displayName("Month").desc(true)])
      .decimals(0)
      .noValue("No call-center figures"),
  );
  d.withPanel(
    new bargauge.PanelBuilder()
      .id(next())
      .title("HAN devices by TDSP territory (end of the range)")
      .description("smt_han_devices summed over statuses, per TDSP territory (Oncor, CenterPoint, AEP Texas Central, AEP Texas North, TNMP).")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, y + 15, 12, 4))
      .withTarget(promQuery("A", `sum by (tdsp) (${HAN_BY_STATUS_AND_TDSP})`, { legend: "{{tdsp}}", instant: true }))
      .decimals(0)
      .min(0)
      .orientation(common.VizOrientation.Horizontal)
      .displayMode(common.BarGaugeDisplayMode.Basic)
      .reduceOptions(lastValue())
      .thresholds(thresholds({ value: null, color: "blue" })),
  );
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("HAN devices by status and TDSP territory (end of the range)")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, y + 19, 12, 5))
      .withTarget(promQuery("A", HAN_BY_STATUS_AND_TDSP, { instant: true, table: true }))
      .transformations(mergeAndRename({ status: "Status", tdsp: "TDSP", Value: "Devices" }))
      .sortBy([new common.TableSortByFieldStateBuilder().displayName("Devices").desc(true)])
      .decimals(0)
      .noValue("No HAN figures"),
  );
  return y + 24;
}
