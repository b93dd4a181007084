import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { DASHBOARD_TAGS, PROMETHEUS, dashboardLinks, gridPos, lastValue, mergeAndRename, promQuery, thresholds, valueText } from "./dashboard-kit.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { SITE_SERVICES, type Service } from "../config/services.js";

export const SERVICE_DETAIL_UID = "smt-service-detail";

const TITLES = { certificateExpiry: "Days to certificate expiry", statusFeed: "Status feed" } as const;

/**
 * Panels whose series only some kinds of check export, by title, with the services whose checks
 * export them: certificates come from the site's TLS checks (the call center's feed is plain HTTP or
 * a file drop), `smt_status_feed_state` from the call center's status_feed checks. Every other panel
 * shows data for every service.
 */
export const SERVICE_DETAIL_PANEL_SERVICES: Readonly<Record<string, readonly Service[]>> = {
  [TITLES.certificateExpiry]: SITE_SERVICES,
  [TITLES.statusFeed]: ["call_center"],
};

/** The probe series of the selected service, checks and locations (docs/metrics.md). */
const SEL = `service="$service", check=~"$check", location=~"$location"`;

function queryVariable(name: string, label: string, query: string, multi: boolean): dashboard.QueryVariableBuilder {
  const v = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (multi) v.multi(true).includeAll(true).allValue(".*").current({ text: "All", value: "$__all" });
  return v;
}

export function serviceDetailDashboard(): dashboard.Dashboard {
  const d = new dashboard.DashboardBuilder("SMT service detail")
    .uid(SERVICE_DETAIL_UID)
    .description(
      "Probe results of one SMT service: success, latency, phases, failure reasons, certificates, the age of delivered files (SFTP, FTPS) and the call center's status feed (docs/metrics.md).",
    )
    .tags(DASHBOARD_TAGS)
    .timezone(CENTRAL_TIME_ZONE)
    .time({ from: "now-24h", to: "now" })
    .refresh("30s")
    .editable()
    .link(dashboardLinks())
    .withVariable(queryVariable("service", "Service", "label_values(smt_probe_success, service)", false).current({ text: "gui", value: "gui" }))
    .withVariable(queryVariable("check", "Check", 'label_values(smt_probe_success{service="$service"}, check)', true))
    .withVariable(queryVariable("location", "Location", 'label_values(smt_probe_success{service="$service", check=~"$check"}, location)', true));

  let id = 1;
  const next = () => id++;

  d.withPanel(
    new stat.PanelBuilder()
      .id(next())
      .title("Latest probe result")
      .description("smt_probe_success of the latest run, per check and location.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 0, 8, 6))
      .withTarget(promQuery("A", `min by (check, location) (smt_probe_success{${SEL}})`, { legend: "{{check}} @ {{location}}", instant: true }))
      .mappings([valueText({ "0": { text: "FAILING", color: "red" }, "1": { text: "OK", color: "green" } })])
      .thresholds(thresholds({ value: null, color: "red" }, { value: 1, color: "green" }))
      .colorMode(common.BigValueColorMode.Background)
      .graphMode(common.BigValueGraphMode.None)
      .textMode(common.BigValueTextMode.ValueAndName)
      .reduceOptions(lastValue()),
  );
  d.withPanel(
    new stat.PanelBuilder()
      .id(next())
      .title("Successful runs in the range")
      .description("Share of finished runs that succeeded (smt_probe_runs_total), per check and location.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(8, 0, 8, 6))
      .withTarget(
        promQuery(
          "A",
          `sum by (check, location) (increase(smt_probe_runs_total{${SEL}, result="success"}[$__range]))
/
sum by (check, location) (increase(smt_probe_runs_total{${SEL}}[$__range]))`,
          { legend: "{{check}} @ {{location}}", instant: true },
        ),
      )
      .unit("percentunit")
      .decimals(2)
      .thresholds(thresholds({ value: null, color: "red" }, { value: 0.99, color: "green" }))
      .colorMode(common.BigValueColorMode.Value)
      .graphMode(common.BigValueGraphMode.None)
      .textMode(common.BigValueTextMode.ValueAndName)
      .reduceOptions(lastValue()),
  );
  d.withPanel(
    new stat.PanelBuilder()
      .id(next())
      .title(TITLES.certificateExpiry)
      .description("Earliest notAfter in the chain presented on the latest handshake, per check (SMTTLSCertificateExpiring warns under 21 days).")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(16, 0, 8, 6))
      .withTarget(
        promQuery("A", `(min by (check) (smt_tls_cert_not_after_timestamp_seconds{${SEL}}) - time()) / 86400`, { legend: "{{check}}", instant: true }),
      )
      .unit("d")
      .decimals(1)
      .thresholds(thresholds({ value: null, color: "red" }, { value: 7, color: "orange" }, { value: 21, color: "green" }))
      .colorMode(common.BigValueColorMode.Value)
      .graphMode(common.BigValueGraphMode.None)
      .textMode(common.BigValueTextMode.ValueAndName)
      .reduceOptions(lastValue()),
  );

  d.withPanel(
    new statetimeline.PanelBuilder()
      .id(next())
      .title("Probe success")
      .description("Failing when any run in the step failed.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 6, 24, 6))
      .interval("15s")
      .withTarget(promQuery("A", `min by (check, location) (min_over_time(smt_probe_success{${SEL}}[$__interval]))`, { legend: "{{check}} @ {{location}}" }))
      .mappings([valueText({ "0": { text: "failing", color: "red" }, "1": { text: "ok", color: "green" } })])
      .thresholds(thresholds({ value: null, color: "red" }, { value: 1, color: "green" }))
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .fillOpacity(80),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Probe duration")
      .description("Wall time of each run (smt_probe_duration_seconds), slowest in the step.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 12, 12, 8))
      .interval("15s")
      .withTarget(
        promQuery("A", `max by (check, location) (max_over_time(smt_probe_duration_seconds{${SEL}}[$__interval]))`, { legend: "{{check}} @ {{location}}" }),
      )
      .unit("s")
      .min(0),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Phase breakdown")
      .description(
        "Average time of each phase per check (dns, connect, tls, processing, transfer; API and browser steps; FTPS connect, tls, login, list, transfer; SFTP connect, handshake, auth, list, transfer), stacked. A browser step's Navigation Timing (step:ttfb, step:dom_content_loaded, step:load) lies inside the step's own time and is left out of the stack.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, 12, 12, 8))
      .interval("15s")
      .withTarget(
        promQuery("A", `avg by (check, phase) (avg_over_time(smt_probe_phase_duration_seconds{${SEL}, phase!~".+:.+"}[$__interval]))`, {
          legend: "{{check}} {{phase}}",
        }),
      )
      .unit("s")
      .min(0)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group("A"))
      .fillOpacity(40),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Failures by reason")
      .description("Failed runs per step, by reason (smt_probe_failures_total; reasons in docs/metrics.md).")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 20, 12, 8))
      .interval("1m")
      .withTarget(promQuery("A", `sum by (check, reason) (increase(smt_probe_failures_total{${SEL}}[$__interval]))`, { legend: "{{check}} {{reason}}" }))
      .drawStyle(common.GraphDrawStyle.Bars)
      .fillOpacity(80)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group("A"))
      .decimals(0)
      .min(0),
  );
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("Failures in the range, by reason")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, 20, 12, 8))
      .withTarget(
        promQuery("A", `round(sum by (check, location, reason) (increase(smt_probe_failures_total{${SEL}}[$__range])))`, { instant: true, table: true }),
      )
      .transformations(mergeAndRename({ check: "Check", location: "Location", reason: "Reason", Value: "Failed runs" }))
      .sortBy([new common.TableSortByFieldStateBuilder().displayName("Failed runs").desc(true)])
      .noValue("No failures"),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Age of the newest FTPS file")
      .description(
        "Now minus the time of the newest file matching each FTPS or SFTP check's file_pattern (smt_ftps_newest_file_timestamp_seconds); every file-delivery check, whatever service is selected. SMT's objective: usage day D's files by 23:00 on D+1.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 28, 24, 8))
      .interval("1m")
      .withTarget(
        promQuery("A", `time() - max by (check, location) (smt_ftps_newest_file_timestamp_seconds{location=~"$location"})`, {
          legend: "{{check}} @ {{location}}",
        }),
      )
      .unit("s")
      .min(0)
      .thresholds(thresholds({ value: null, color: "green" }, { value: 26 * 3600, color: "red" }))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line)),
  );
  d.withPanel(
    new statetimeline.PanelBuilder()
      .id(next())
      .title(TITLES.statusFeed)
      .description(
        "What the call center's status feeds said (smt_status_feed_state), worst in the step: up, degraded (available, flagged: the phones answer slowly) or down. " +
          "A gap is a feed that said nothing usable (unreadable, stale, an unknown state: reason status_feed, unmeasured). Call center only (docs/slo.md).",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 36, 24, 6))
      .interval("15s")
      .withTarget(
        promQuery(
          "A",
          `clamp_max(
    2 * max by (check, location) (max_over_time(smt_status_feed_state{${SEL}, state="down"}[$__interval]))
  + max by (check, location) (max_over_time(smt_status_feed_state{${SEL}, state="degraded"}[$__interval])),
  2
)`,
          { legend: "{{check}} @ {{location}}" },
        ),
      )
      .mappings([valueText({ "0": { text: "up", color: "green" }, "1": { text: "degraded", color: "orange" }, "2": { text: "down", color: "red" } })])
      .thresholds(thresholds({ value: null, color: "green" }, { value: 1, color: "orange" }, { value: 2, color: "red" }))
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .fillOpacity(80),
  );
  return d.build();
}
