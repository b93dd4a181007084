import { PRODUCTION_RULE_PARAMETERS, type AvailabilityRuleParameters } from "../rules/availability-rules.js";
import { DEFAULT_SIMULATOR_PORTS } from "../simulator/ports.js";
import { DEFAULT_STATUS_PORT } from "../status/status-defaults.js";

/** The demo's ports and timings (light to import: the CLI's --help reads them). */
export interface DemoPorts {
  exporter: number;
  notifier: number;
  /** The public status page (smt-monitor status). */
  status: number;
  prometheus: number;
  alertmanager: number;
  simulatorAdmin: number;
  simulatorGui: number;
  simulatorApi: number;
  simulatorHan: number;
  simulatorFtps: number;
  simulatorSftp: number;
}

export const DEFAULT_DEMO_PORTS: DemoPorts = {
  exporter: 9910,
  notifier: 9911,
  status: DEFAULT_STATUS_PORT,
  prometheus: 9090,
  alertmanager: 9093,
  simulatorAdmin: DEFAULT_SIMULATOR_PORTS.admin,
  simulatorGui: DEFAULT_SIMULATOR_PORTS.gui,
  simulatorApi: DEFAULT_SIMULATOR_PORTS.api,
  simulatorHan: DEFAULT_SIMULATOR_PORTS.han,
  simulatorFtps: DEFAULT_SIMULATOR_PORTS.ftps,
  simulatorSftp: DEFAULT_SIMULATOR_PORTS.sftp,
};

/**
 * The demo's rule parameters: production's, with SMTUnplannedOutage after more than 1 minute instead
 * of 15, so a notice draft appears within about two minutes of the injected outage.
 */
export const DEMO_RULE_PARAMETERS: AvailabilityRuleParameters = { ...PRODUCTION_RULE_PARAMETERS, unplannedOutageMinutes: 1 };
/** The alert group runs this often in the demo (production: every minute), so an alert fires seconds after its minute is recorded. */
export const DEMO_ALERT_EVALUATION_INTERVAL = "10s";
/** Prometheus scrapes and the exporter probes this often in the demo (production: 15 s). */
export const DEMO_SCRAPE_INTERVAL = "5s";

/**
 * How long the scenario leaves the INITIAL draft to the newcomer before it approves and marks it
 * sent itself (as the reviewer), so that the status page shows the announced outage; the outage is
 * then ended after DEMO_OUTAGE_AFTER_SENT_MS and its COMPLETION marked sent the same way.
 */
export const DEMO_REVIEW_GRACE_MS = 60_000;
export const DEMO_OUTAGE_AFTER_SENT_MS = 60_000;

/**
 * The ports `smt-monitor demo --ha` adds (docs/ha.md, "Running it"): austin's exporter, the first
 * notifier, Prometheus and Alertmanager keep the single demo's ports; these are the others, and the
 * Alertmanagers' gossip ports (TCP and UDP).
 */
export interface DemoHaPorts {
  exporterDallas: number;
  exporterHouston: number;
  notifier2: number;
  prometheusB: number;
  alertmanager2: number;
  alertmanagerGossip: number;
  alertmanager2Gossip: number;
  victoriaMetrics: number;
  postgres: number;
}

export const DEFAULT_DEMO_HA_PORTS: DemoHaPorts = {
  exporterDallas: 9913,
  exporterHouston: 9914,
  notifier2: 9917,
  prometheusB: 9091,
  alertmanager2: 9095,
  alertmanagerGossip: 9094,
  alertmanager2Gossip: 9096,
  victoriaMetrics: 8428,
  postgres: 9930,
};
