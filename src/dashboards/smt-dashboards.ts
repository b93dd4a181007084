import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { availabilityMonthlyDashboard } from "./availability-monthly.js";
import { noticesDashboard } from "./notices.js";
import { serviceDetailDashboard } from "./service-detail.js";

/** The dashboards in grafana/dashboards/, file name -> dashboard (generated: scripts/generate-dashboards.mjs). */
export function smtDashboards(): Map<string, Dashboard> {
  return new Map(
    (
      [
        ["smt-availability-monthly.json", availabilityMonthlyDashboard()],
        ["smt-service-detail.json", serviceDetailDashboard()],
        ["smt-notices.json", noticesDashboard()],
      ] as const
    ).map(([file, d]) => [file, withAnnotationList(d)]),
  );
}

/** Grafana keeps variables and annotations in lists (the builder leaves an empty object when there are none). */
function withAnnotationList(d: Dashboard): Dashboard {
  return { ...d, templating: { list: d.templating?.list ?? [] }, annotations: { list: d.annotations?.list ?? [] } };
}

/** The JSON text Grafana's file provisioning loads. */
export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
