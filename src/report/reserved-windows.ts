import { MAINTENANCE_EXCLUDE_POLICIES, type MaintenanceExcludePolicy } from "../config/maintenance-names.js";
import { SERVICES, type Service } from "../config/services.js";
import { EXCLUDE_POLICY_LABEL } from "../exporter/maintenance-metric-names.js";
import { EXCLUDE_POLICY_SERIES, RESERVED_MINUTE_SERIES } from "../rules/availability-rules.js";
import { recordedSampleRange } from "../rules/minute-timing.js";
import type { InstantSample } from "./promql-client.js";
import type { InstantNeed } from "./promql-fetch.js";
import type { ReportMonth } from "./report-month.js";

/**
 * The reserved-window section of the committee report (docs/maintenance.md, "Reserved windows and
 * planned maintenance"): per service, the month's minutes inside reserved windows (the recurring
 * calendar), split into those covered by announced planned maintenance and those that were not,
 * and which `maintenance.exclude` policy the exporters applied, i.e. what the availability figures
 * exclude. Fetch (one instant query), then a pure function of the samples.
 */
export interface ServiceReservedMinutes {
  service: Service;
  reserved_minutes: number;
  /** Reserved minutes covered by announced planned maintenance. */
  announced_minutes: number;
  /** Reserved minutes no planned maintenance covered (counted like any other minute under `announced`). */
  unannounced_minutes: number;
}

export interface ReservedWindowsSection {
  /**
   * The policies the exporters applied in the month, sorted (two when it changed during the month);
   * empty when none was recorded (exporters older than the policy: every window excluded).
   */
  exclude_policies: MaintenanceExcludePolicy[];
  services: ServiceReservedMinutes[];
}

const STATE = "reserved_state";

/** One instant query at the month's last recorded minute sample (minute-timing.ts). */
export function reservedWindowsNeed(month: ReportMonth): InstantNeed {
  const { firstMs, lastMs } = recordedSampleRange(month.fromMs, month.toMs);
  const range = `${lastMs - firstMs}ms`;
  const at = (lastMs / 1000).toFixed(3);
  const query = [
    `label_replace(sum_over_time(${RESERVED_MINUTE_SERIES.reserved}[${range}] @ ${at}), "${STATE}", "reserved", "", "")`,
    `label_replace(sum_over_time(${RESERVED_MINUTE_SERIES.reservedAnnounced}[${range}] @ ${at}), "${STATE}", "announced", "", "")`,
    `label_replace(max by (${EXCLUDE_POLICY_LABEL}) (max_over_time(${EXCLUDE_POLICY_SERIES}[${range}] @ ${at})), "${STATE}", "policy", "", "")`,
  ].join("\nor\n");
  return { kind: "instant", query, timeMs: lastMs };
}

/** The section from the samples of reservedWindowsNeed, for the services of the report's audience. Pure. */
export function reservedWindowsSection(samples: readonly InstantSample[], services: readonly Service[] = SERVICES): ReservedWindowsSection {
  const reserved = new Map<Service, { reserved: number; announced: number }>();
  const policies = new Set<MaintenanceExcludePolicy>();
  for (const s of samples) {
    const state = s.metric[STATE];
    if (state === "policy") {
      const policy = s.metric[EXCLUDE_POLICY_LABEL] as MaintenanceExcludePolicy;
      if (s.value === 1 && MAINTENANCE_EXCLUDE_POLICIES.includes(policy)) policies.add(policy);
      continue;
    }
    const service = s.metric.service as Service;
    if (!(SERVICES as readonly string[]).includes(service) || (state !== "reserved" && state !== "announced")) continue;
    const r = reserved.get(service) ?? { reserved: 0, announced: 0 };
    r[state] = s.value;
    reserved.set(service, r);
  }
  return {
    exclude_policies: MAINTENANCE_EXCLUDE_POLICIES.filter((p) => policies.has(p)),
    services: SERVICES.filter((service) => services.includes(service)).map((service) => {
      const r = reserved.get(service) ?? { reserved: 0, announced: 0 };
      return { service, reserved_minutes: r.reserved, announced_minutes: r.announced, unannounced_minutes: r.reserved - r.announced };
    }),
  };
}

/** One line saying what the figures exclude, for the text and HTML reports. */
export function excludePolicySentence(section: ReservedWindowsSection): string {
  const p = section.exclude_policies;
  if (p.length === 0) return "Excluded maintenance: not recorded (exporters without maintenance.exclude exclude every window).";
  if (p.length > 1) return `Excluded maintenance: the policy changed during the month (${p.join(", ")}).`;
  return p[0] === "announced"
    ? "Excluded maintenance (maintenance.exclude: announced): only announced planned maintenance; unannounced reserved-window minutes count like any other."
    : "Excluded maintenance (maintenance.exclude: reserved): every reserved window, announced or not, and planned maintenance.";
}
