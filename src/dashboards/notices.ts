import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { DASHBOARD_TAGS, PROMETHEUS, dashboardLinks, gridPos, lastValue, mergeAndRename, promQuery, thresholds } from "./dashboard-kit.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { NOTICE_KINDS } from "../notices/notice-template.js";

export const NOTICES_UID = "smt-notices";

/** Drafts created over the panel's range, by kind (the notifier's counter; restarts are handled by increase()). */
const DRAFTS_BY_KIND = `round(sum by (kind) (increase(smt_notice_drafts_created_total[$__range])))`;

function draftsPerMonth(title: string, timeShift?: string): bargauge.PanelBuilder {
  const p = new bargauge.PanelBuilder()
    .title(title)
    .description(`Notice drafts the notifier created in the calendar month (Central time), by kind: ${NOTICE_KINDS.join(", ")}.`)
    .datasource(PROMETHEUS)
    .withTarget(promQuery("A", DRAFTS_BY_KIND, { legend: "{{kind}}", instant: true }))
    .timeFrom("now/M")
    .decimals(0)
    .min(0)
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .reduceOptions(lastValue())
    .thresholds(thresholds({ value: null, color: "blue" }));
  if (timeShift) p.timeShift(timeShift);
  return p;
}

export function noticesDashboard(): dashboard.Dashboard {
  const d = new dashboard.DashboardBuilder("SMT notices")
    .uid(NOTICES_UID)
    .description(
      "The market-notice service (smt-monitor notifier, docs/notices.md): drafts by kind and status, overdue planned notices, webhook outcomes and channel deliveries.",
    )
    .tags(DASHBOARD_TAGS)
    .timezone(CENTRAL_TIME_ZONE)
    .time({ from: "now/M", to: "now" })
    .refresh("1m")
    .editable()
    .link(dashboardLinks());

  let id = 1;
  const next = () => id++;

  d.withPanel(
    draftsPerMonth("Drafts created this month, by kind")
      .id(next())
      .gridPos(gridPos(0, 0, 8, 7)),
  );
  d.withPanel(
    draftsPerMonth("Drafts created previous month, by kind", "1M/M")
      .id(next())
      .gridPos(gridPos(8, 0, 8, 7)),
  );
  d.withPanel(
    new stat.PanelBuilder()
      .id(next())
      .title("Planned notices overdue")
      .description(
        "Planned outages still ahead whose market notice is past its due date (3 business days before) and not approved or sent (smt_notice_planned_overdue).",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(16, 0, 8, 7))
      .withTarget(promQuery("A", "max(smt_notice_planned_overdue)", { instant: true }))
      .timeFrom("5m")
      .decimals(0)
      .thresholds(thresholds({ value: null, color: "green" }, { value: 1, color: "red" }))
      .colorMode(common.BigValueColorMode.Background)
      .graphMode(common.BigValueGraphMode.None)
      .reduceOptions(lastValue()),
  );
  d.withPanel(
    new table.PanelBuilder()
      .id(next())
      .title("Notices in the store, by kind and status")
      .description("Every notice the notifier keeps (smt_notices), at the end of the range, and the change over the range.")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 7, 12, 9))
      .withTarget(promQuery("A", "max by (kind, status) (smt_notices)", { instant: true, table: true }))
      .withTarget(promQuery("B", "max by (kind, status) (smt_notices) - max by (kind, status) (smt_notices offset $__range)", { instant: true, table: true }))
      .transformations(mergeAndRename({ kind: "Kind", status: "Status", "Value #A": "Notices", "Value #B": "Change in range" }))
      .decimals(0),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Notices by status")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, 7, 12, 9))
      .interval("1m")
      .withTarget(promQuery("A", "sum by (status) (smt_notices)", { legend: "{{status}}" }))
      .decimals(0)
      .min(0),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Alertmanager webhook requests, by outcome")
      .description(
        "accepted, bad_request, unauthorized, too_large, unsupported_media_type, storage_error (smt_notifier_webhook_requests_total). Anything but accepted needs a look.",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 16, 12, 8))
      .interval("1m")
      .withTarget(promQuery("A", "sum by (outcome) (increase(smt_notifier_webhook_requests_total[$__interval]))", { legend: "{{outcome}}" }))
      .drawStyle(common.GraphDrawStyle.Bars)
      .fillOpacity(80)
      .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group("A"))
      .min(0),
  );
  d.withPanel(
    new stat.PanelBuilder()
      .id(next())
      .title("Webhook outcomes in the range")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, 16, 12, 4))
      .withTarget(promQuery("A", "round(sum by (outcome) (increase(smt_notifier_webhook_requests_total[$__range])))", { legend: "{{outcome}}", instant: true }))
      .decimals(0)
      .thresholds(thresholds({ value: null, color: "text" }))
      .graphMode(common.BigValueGraphMode.None)
      .textMode(common.BigValueTextMode.ValueAndName)
      .reduceOptions(lastValue()),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Webhook latency (p99)")
      .description("Time to validate, apply and commit one webhook request (smt_notifier_webhook_duration_seconds).")
      .datasource(PROMETHEUS)
      .gridPos(gridPos(12, 20, 12, 4))
      .interval("1m")
      .withTarget(
        promQuery("A", "histogram_quantile(0.99, sum by (le) (rate(smt_notifier_webhook_duration_seconds_bucket[$__rate_interval])))", { legend: "p99" }),
      )
      .unit("s")
      .min(0),
  );
  d.withPanel(
    new timeseries.PanelBuilder()
      .id(next())
      .title("Channel deliveries, failures and pending announcements")
      .description(
        "Draft announcements to on-call channels: delivered and failed attempts per step (failures are retried), and the outbox backlog (smt_notice_outbox_pending).",
      )
      .datasource(PROMETHEUS)
      .gridPos(gridPos(0, 24, 24, 8))
      .interval("1m")
      .withTarget(promQuery("A", "sum by (channel) (increase(smt_notice_channel_deliveries_total[$__interval]))", { legend: "{{channel}} delivered" }))
      .withTarget(promQuery("B", "sum by (channel) (increase(smt_notice_channel_failures_total[$__interval]))", { legend: "{{channel}} failed" }))
      .withTarget(promQuery("C", "sum by (channel) (smt_notice_outbox_pending)", { legend: "{{channel}} pending" }))
      .min(0),
  );
  return d.build();
}
