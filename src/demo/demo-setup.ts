import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { readYamlFile } from "../config/config-file.js";
import { ConfigError } from "../config/errors.js";
import type { Service } from "../config/schema.js";
import { maintenanceConfig } from "../config/maintenance-schema.js";
import { maintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import { availabilityRuleFiles, RULE_GROUP_NAMES, type RuleFile } from "../rules/availability-rules.js";
import { renderRuleFile } from "../rules/render-rule-file.js";
import { placeRuleFolder } from "../rules/rule-group-phase.js";
import { GENERATED_BY } from "../rules/write-rule-files.js";
import { DEFAULT_SIMULATOR_PORTS } from "../simulator/ports.js";
import { DEMO_ALERT_EVALUATION_INTERVAL, DEMO_RULE_PARAMETERS, DEMO_SCRAPE_INTERVAL, type DemoPorts } from "./demo-defaults.js";

/**
 * Everything the local demo writes into its data directory before starting the components
 * (docs/demo.md): one folder per component with its config and state, secrets made once and kept.
 * Pure apart from the files it writes; the clock is a parameter.
 */

export { DEFAULT_DEMO_PORTS, DEMO_ALERT_EVALUATION_INTERVAL, DEMO_RULE_PARAMETERS, DEMO_SCRAPE_INTERVAL, type DemoPorts } from "./demo-defaults.js";

/** The demo's rule files: the production generator's output for DEMO_RULE_PARAMETERS, alert group evaluated every 10 s. */
export function demoRuleFiles(): RuleFile[] {
  return availabilityRuleFiles(DEMO_RULE_PARAMETERS).map((f) => ({
    ...f,
    description: `${f.description}\nDEMO (smt-monitor demo): outage threshold ${DEMO_RULE_PARAMETERS.unplannedOutageMinutes} minute(s); group ${RULE_GROUP_NAMES.alerts} every ${DEMO_ALERT_EVALUATION_INTERVAL}.`,
    groups: f.groups.map((g) => (g.name === RULE_GROUP_NAMES.alerts ? { ...g, interval: DEMO_ALERT_EVALUATION_INTERVAL } : g)),
  }));
}

export interface DemoLayout {
  dataDir: string;
  logDir: string;
  pidFile: string;
  simulatorDir: string;
  exporterConfig: string;
  /** The exporter's --data-dir: where its browser checks keep the evidence of their last failure. */
  exporterDataDir: string;
  /** The exporter's checks as the demo lists them (name, service, kind; the browser of a browser check). */
  checks: DemoCheck[];
  notifierConfig: string;
  /** The notifier's store, which the status page reads. */
  notifierStore: string;
  prometheusConfig: string;
  prometheusData: string;
  alertmanagerConfig: string;
  alertmanagerData: string;
  reviewer: { name: string; password: string };
  /** The service the scenario takes down, and a note when the demo had to drop maintenance windows to do so. */
  outageService: Service;
  maintenanceNote?: string;
}

export interface DemoCheck {
  name: string;
  service: string;
  kind: string;
  browser?: string;
}

/** Where the notifier serves the declared call-center outages as a status feed (call-center-routes.ts). */
const CALL_CENTER_STATUS_PATH = "/api/v1/call-center/status";

const SIMULATOR_DEFAULT_TO_PORT: Record<number, keyof DemoPorts> = {
  [DEFAULT_SIMULATOR_PORTS.gui]: "simulatorGui",
  [DEFAULT_SIMULATOR_PORTS.api]: "simulatorApi",
  [DEFAULT_SIMULATOR_PORTS.han]: "simulatorHan",
  [DEFAULT_SIMULATOR_PORTS.ftps]: "simulatorFtps",
  [DEFAULT_SIMULATOR_PORTS.sftp]: "simulatorSftp",
  [DEFAULT_SIMULATOR_PORTS.admin]: "simulatorAdmin",
};

/** The scenario prefers the portal; it takes the first service with no maintenance in the next 20 minutes. */
const OUTAGE_PREFERENCE: Service[] = ["gui", "api", "han", "ftps"];

/** The folders a fresh start empties (the secrets are kept, so the reviewer's password stays the same). */
export const DEMO_STATE_FOLDERS = ["logs", "simulator", "exporter", "notifier", "prometheus", "alertmanager"];

export async function prepareDemo(o: {
  dataDir: string;
  exporterTemplate: string;
  alertmanagerTemplate: string;
  ports: DemoPorts;
  now: number;
  keepState?: boolean;
}): Promise<DemoLayout> {
  const dataDir = resolve(o.dataDir);
  // Every start is the same scenario from a clean slate: an incident left open by the previous run
  // would turn this run's outage into an UPDATE instead of an INITIAL draft.
  if (!o.keepState) for (const name of DEMO_STATE_FOLDERS) rmSync(join(dataDir, name), { recursive: true, force: true });
  const dir = (name: string) => {
    const d = join(dataDir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const logDir = dir("logs");
  const secretsDir = dir("secrets");
  const simulatorDir = dir("simulator");
  const exporterDir = dir("exporter");
  const notifierDir = dir("notifier");
  const notifierStore = join(notifierDir, "notices.db");
  const prometheusDir = dir("prometheus");
  const alertmanagerDir = dir("alertmanager");

  const secret = (name: string, make: () => string) => {
    const file = join(secretsDir, name);
    if (!existsSync(file)) writeFileSync(file, `${make()}\n`, { mode: 0o600 });
    return { file, value: readFileSync(file, "utf8").trim() };
  };
  const webhookToken = secret("notifier-webhook-token", () => randomBytes(24).toString("hex"));
  const reviewerPassword = secret("reviewer-password", () => randomBytes(9).toString("base64url"));

  // --- exporter: config/demo.yaml with this run's ports, absolute paths and a 5 s interval ---------
  const template = readYamlFile(o.exporterTemplate);
  if (typeof template !== "object" || template === null || Array.isArray(template)) {
    const got = template === null || template === undefined ? "an empty file" : Array.isArray(template) ? "a list" : `a ${typeof template}`;
    throw new ConfigError(o.exporterTemplate, [
      { path: [], message: `expected a mapping (the exporter config the demo starts from), got ${got}`, line: 1, column: 1 },
    ]);
  }
  const exporter = template as Record<string, unknown>;
  const templateDir = dirname(resolve(o.exporterTemplate));
  const rewrite = (value: unknown, key?: string): unknown => {
    if (typeof value === "string") {
      let s = value.replace(/127\.0\.0\.1:(\d+)/g, (m, port: string) => {
        const target = SIMULATOR_DEFAULT_TO_PORT[Number(port)];
        return target ? `127.0.0.1:${o.ports[target]}` : m;
      });
      if (key && /(_file|^file|^known_hosts)$/.test(key) && !s.startsWith("/"))
        s = resolve(templateDir, s).replace(resolve(templateDir, "../.smt-demo/simulator"), simulatorDir);
      return s;
    }
    if (typeof value === "number" && key === "port" && SIMULATOR_DEFAULT_TO_PORT[value]) return o.ports[SIMULATOR_DEFAULT_TO_PORT[value]];
    if (Array.isArray(value)) return value.map((v) => rewrite(v));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, k)]));
    return value;
  };
  const config = rewrite(exporter) as Record<string, unknown> & { maintenance?: Record<string, unknown>; defaults?: Record<string, unknown> };
  config.listen_address = `127.0.0.1:${o.ports.exporter}`;
  config.defaults = { ...config.defaults, interval: DEMO_SCRAPE_INTERVAL, timeout: "4s" };

  // The outage must fall outside maintenance, or no minute counts as unavailable.
  const calendarOf = (m: unknown) => maintenanceCalendar(maintenanceConfig.parse(m ?? {}));
  const free = (m: unknown) => OUTAGE_PREFERENCE.find((s) => calendarOf(m).maintenanceMinutes(s, o.now, o.now + 20 * 60_000) === 0);
  let outageService = free(config.maintenance);
  let maintenanceNote: string | undefined;
  if (!outageService) {
    const kept = { ...config.maintenance, recurring: [], planned: [] };
    maintenanceNote = "every service is in planned maintenance now: this demo run drops the maintenance windows of config/demo.yaml so the outage counts";
    config.maintenance = kept;
    outageService = free(kept) ?? "gui";
  }
  // The declared call-center outages (docs/notices.md): the notifier's status feed, read as the demo's reviewer.
  const reviewerName = "oncall";
  for (const check of (config.checks ?? []) as Record<string, unknown>[]) {
    const feed = check.status_feed as Record<string, unknown> | undefined;
    if (typeof feed?.url === "string" && feed.url.endsWith(CALL_CENTER_STATUS_PATH)) {
      feed.url = `http://127.0.0.1:${o.ports.notifier}${CALL_CENTER_STATUS_PATH}`;
      feed.basic_auth = { username: reviewerName, password_file: reviewerPassword.file };
    }
  }
  const checks = ((config.checks ?? []) as Record<string, unknown>[]).map((check): DemoCheck => {
    const browser = (check.browser as Record<string, unknown> | undefined)?.browser;
    return {
      name: String(check.name),
      service: String(check.service),
      kind: String(check.kind),
      ...(check.kind === "browser" ? { browser: typeof browser === "string" ? browser : "chromium" } : {}),
    };
  });
  const exporterConfig = join(exporterDir, "smt-monitor.yaml");
  writeFileSync(exporterConfig, `# Written by smt-monitor demo from ${o.exporterTemplate}; rewritten at every start.\n${stringify(config, { lineWidth: 0 })}`);

  // --- notifier --------------------------------------------------------------------------------
  const notifierConfig = join(notifierDir, "notifier.yaml");
  const reviewer = { name: reviewerName, password: reviewerPassword.value };
  writeFileSync(
    notifierConfig,
    `# Written by smt-monitor demo (reference: config/notifier.example.yaml, docs/notices.md).\n${stringify(
      {
        listen_address: `127.0.0.1:${o.ports.notifier}`,
        external_url: `http://127.0.0.1:${o.ports.notifier}`,
        storage: { path: notifierStore },
        webhook: { bearer_token_file: webhookToken.file },
        reviewers: [{ name: reviewer.name, password_file: reviewerPassword.file }],
        notices: {
          from: "Smart Meter Texas (demo) <notices@smt-demo.invalid>",
          to: ["rms-listserv@smt-demo.invalid", "amwg-listserv@smt-demo.invalid"],
        },
        incidents: { update_interval: "30m" },
        planned_notices: { lookahead: "60d" },
        maintenance_file: exporterConfig,
      },
      { lineWidth: 0 },
    )}`,
  );

  // --- Prometheus: demo rules from the production generator, short scrape interval ---------------
  // In a folder where the minute group runs 12-22 s into the minute (src/rules/rule-group-phase.ts): a
  // minute is then recorded about 75 s after it began rather than anywhere in 70-130 s, so the demo's
  // outage reaches the notifier sooner. What the rules compute does not depend on the phase.
  const ruleFiles = demoRuleFiles();
  const minuteFile = ruleFiles.find((f) => f.groups.some((g) => g.name === RULE_GROUP_NAMES.minutes));
  if (!minuteFile) throw new Error(`the rule generator wrote no group ${RULE_GROUP_NAMES.minutes}`);
  const { folder: rulesDir } = await placeRuleFolder(prometheusDir, "rules", [
    { file: minuteFile.name, group: RULE_GROUP_NAMES.minutes, intervalMs: 60_000, fromMs: 12_000, toMs: 22_000 },
  ]);
  for (const f of ruleFiles) writeFileSync(join(rulesDir, f.name), renderRuleFile(f, `${GENERATED_BY}, demo parameters (src/demo/demo-setup.ts)`));
  const prometheusConfig = join(prometheusDir, "prometheus.yml");
  writeFileSync(
    prometheusConfig,
    `# Written by smt-monitor demo (reference: prometheus/prometheus.yml).\n${stringify(
      {
        global: { scrape_interval: DEMO_SCRAPE_INTERVAL, scrape_timeout: DEMO_SCRAPE_INTERVAL, evaluation_interval: "1m" },
        rule_files: [join(rulesDir, "*.rules.yml")],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${o.ports.alertmanager}`] }] }] },
        scrape_configs: [
          { job_name: "smt-exporter", static_configs: [{ targets: [`127.0.0.1:${o.ports.exporter}`] }] },
          { job_name: "smt-notifier", static_configs: [{ targets: [`127.0.0.1:${o.ports.notifier}`] }] },
          { job_name: "alertmanager", static_configs: [{ targets: [`127.0.0.1:${o.ports.alertmanager}`] }] },
          { job_name: "prometheus", static_configs: [{ targets: [`127.0.0.1:${o.ports.prometheus}`] }] },
        ],
      },
      { lineWidth: 0 },
    )}`,
  );

  // --- Alertmanager: alertmanager/alertmanager.yml with this notifier and short group timings ----
  const am = readYamlFile(o.alertmanagerTemplate) as {
    route: Record<string, unknown> & { routes?: Record<string, unknown>[] };
    receivers: { name: string; webhook_configs?: { url: string; http_config?: { authorization?: { credentials_file?: string } } }[] }[];
  };
  for (const route of [am.route, ...(am.route.routes ?? [])]) Object.assign(route, { group_wait: "1s", group_interval: "10s" });
  const hooks = am.receivers.flatMap((r) => r.webhook_configs ?? []);
  if (hooks.length === 0) throw new Error(`${o.alertmanagerTemplate}: expected a webhook receiver for the notifier`);
  for (const hook of hooks) {
    hook.url = `http://127.0.0.1:${o.ports.notifier}/alertmanager/webhook`;
    hook.http_config = { ...hook.http_config, authorization: { ...hook.http_config?.authorization, credentials_file: webhookToken.file } };
  }
  const alertmanagerConfig = join(alertmanagerDir, "alertmanager.yml");
  writeFileSync(alertmanagerConfig, `# Written by smt-monitor demo from ${o.alertmanagerTemplate}.\n${stringify(am, { lineWidth: 0 })}`);

  return {
    dataDir,
    logDir,
    pidFile: join(dataDir, "demo.pids"),
    simulatorDir,
    exporterConfig,
    exporterDataDir: exporterDir,
    checks,
    notifierConfig,
    notifierStore,
    prometheusConfig,
    prometheusData: dir("prometheus/data"),
    alertmanagerConfig,
    alertmanagerData: dir("alertmanager/data"),
    reviewer,
    outageService,
    maintenanceNote,
  };
}
