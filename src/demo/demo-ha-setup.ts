import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument, stringify } from "yaml";
import { parseDuration } from "../config/duration.js";
import { longTermStoreFlags, longTermStoreRelabelConfig } from "../ha/long-term-store.js";
import { PROBE_LOCATIONS, probeLocationConfig, type ProbeLocation } from "../ha/probe-locations.js";
import { PROMETHEUS_REPLICAS, prometheusReplicaConfig } from "../ha/prometheus-pair.js";
import { DEMO_SCRAPE_INTERVAL, type DemoHaPorts } from "./demo-defaults.js";
import { prepareDemo, type DemoLayout, type DemoPorts } from "./demo-setup.js";

/**
 * What `smt-monitor demo --ha` writes before starting the highly available topology (docs/ha.md,
 * "Running it"): the single demo's files (prepareDemo: secrets, the simulator's folder, the demo rules)
 * and, derived from them, three exporters at three locations, two notifiers on PostgreSQL, the
 * Prometheus pair (the pair's generator, src/ha/prometheus-pair.ts), two Alertmanagers in a cluster
 * delivering to both notifiers, and the long-term store's settings (src/ha/long-term-store.ts).
 */

/** The environment variable through which both notifiers get the database URL (never a file, never printed). */
export const DEMO_HA_DATABASE_URL_ENV = "SMT_NOTICES_DATABASE_URL";

/** The folders of the HA topology a fresh start empties besides the single demo's (DEMO_STATE_FOLDERS). */
const HA_STATE_FOLDERS = ["victoria-metrics", "postgres"];

export interface DemoHaLayout {
  /** The single demo's layout: data and log folders, pid file, simulator, reviewer, the outage's service. */
  base: DemoLayout;
  exporters: { name: string; location: ProbeLocation; config: string; port: number }[];
  notifiers: { name: string; config: string; port: number }[];
  prometheus: { name: string; replica: string; config: string; data: string; port: number }[];
  alertmanagers: { name: string; config: string; data: string; port: number; gossipPort: number; peerGossipPort: number }[];
  /** Absent when VictoriaMetrics is not installed: the pair then runs without the long-term store. */
  victoriaMetrics?: { name: string; flags: string[]; port: number };
  postgres: { dir: string; port: number; password: string };
  /** The webhook token both Alertmanagers send (and a newcomer's curl may). */
  webhookTokenFile: string;
}

export async function prepareDemoHa(o: {
  dataDir: string;
  exporterTemplate: string;
  alertmanagerTemplate: string;
  ports: DemoPorts;
  haPorts: DemoHaPorts;
  now: number;
  keepState?: boolean;
  withLongTermStore: boolean;
}): Promise<DemoHaLayout> {
  const base = await prepareDemo(o);
  const { dataDir } = base;
  if (!o.keepState) for (const name of HA_STATE_FOLDERS) rmSync(join(dataDir, name), { recursive: true, force: true });
  const dir = (...parts: string[]) => {
    const d = join(dataDir, ...parts);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const url = (port: number, path = "") => `http://127.0.0.1:${port}${path}`;
  const written = (what: string) => `# Written by smt-monitor demo --ha (src/demo/demo-ha-setup.ts) from ${what}; rewritten at every start.\n`;
  const p = o.ports;
  const h = o.haPorts;

  // --- three exporters: the single demo's config, each with its location, source address and port --------
  const exporterPorts = [p.exporter, h.exporterDallas, h.exporterHouston];
  const template = readFileSync(base.exporterConfig, "utf8");
  const exporters = PROBE_LOCATIONS.map((location, i) => {
    const config = join(dir("exporter"), `${location.location}.yaml`);
    const port = exporterPorts[i]!;
    writeFileSync(
      config,
      probeLocationConfig(template, { location, listenAddress: `127.0.0.1:${port}`, generatedBy: `smt-monitor demo --ha from ${base.exporterConfig}` }),
    );
    return { name: `exporter-${location.location}`, location, config, port };
  });

  // --- two notifiers sharing one PostgreSQL database ----------------------------------------------------
  const notifierTemplate = parse(readFileSync(base.notifierConfig, "utf8")) as Record<string, unknown>;
  const notifiers = [p.notifier, h.notifier2].map((port, i) => {
    const { storage: _sqlite, ...rest } = notifierTemplate;
    const config = join(dir("notifier"), `notifier-${i + 1}.yaml`);
    writeFileSync(
      config,
      written(base.notifierConfig) +
        stringify(
          {
            ...rest,
            listen_address: `127.0.0.1:${port}`,
            external_url: url(port),
            store: { kind: "postgres", url_env: DEMO_HA_DATABASE_URL_ENV },
            maintenance_file: exporters[0]!.config,
          },
          { lineWidth: 0 },
        ),
    );
    return { name: `notifier-${i + 1}`, config, port };
  });

  // --- two Alertmanagers in one cluster, each delivering to both notifiers ---------------------------
  const am = parse(readFileSync(base.alertmanagerConfig, "utf8")) as { receivers: { webhook_configs?: Record<string, unknown>[] }[] };
  for (const receiver of am.receivers) {
    receiver.webhook_configs = receiver.webhook_configs?.flatMap((hook) => notifiers.map((n) => ({ ...hook, url: `${url(n.port)}/alertmanager/webhook` })));
  }
  writeFileSync(base.alertmanagerConfig, written(o.alertmanagerTemplate) + stringify(am, { lineWidth: 0 }));
  const gossip = [h.alertmanagerGossip, h.alertmanager2Gossip];
  const alertmanagers = [p.alertmanager, h.alertmanager2].map((port, i) => ({
    name: `alertmanager-${i + 1}`,
    config: base.alertmanagerConfig,
    data: dir("alertmanager", String(i + 1), "data"),
    port,
    gossipPort: gossip[i]!,
    peerGossipPort: gossip[1 - i]!,
  }));

  // --- the Prometheus pair: the single demo's config (same rule files: the same group phase) --------------
  const single = parse(readFileSync(base.prometheusConfig, "utf8")) as Record<string, unknown>;
  const prometheusPorts = [p.prometheus, h.prometheusB];
  const job = (name: string, ports: number[]) => ({ job_name: name, static_configs: [{ targets: ports.map((port) => `127.0.0.1:${port}`) }] });
  const pairSource = stringify(
    {
      ...single,
      alerting: { alertmanagers: [{ static_configs: [{ targets: alertmanagers.map((a) => `127.0.0.1:${a.port}`) }] }] },
      scrape_configs: [
        job("smt-exporter", exporterPorts),
        job(
          "smt-notifier",
          notifiers.map((n) => n.port),
        ),
        job(
          "alertmanager",
          alertmanagers.map((a) => a.port),
        ),
        job("prometheus", prometheusPorts),
      ],
    },
    { lineWidth: 0 },
  );
  const prometheus = PROMETHEUS_REPLICAS.map((replica, i) => {
    let text = prometheusReplicaConfig(pairSource, {
      replica,
      remoteWriteUrl: url(h.victoriaMetrics, "/api/v1/write"),
      generatedBy: "smt-monitor demo --ha (src/demo/demo-ha-setup.ts)",
      regenerate: "the demo rewrites it at every start",
    });
    if (!o.withLongTermStore) {
      const doc = parseDocument(text);
      doc.delete("remote_write");
      text = doc.toString({ lineWidth: 0 });
    }
    const config = join(dir("prometheus"), `prometheus-${replica}.yml`);
    writeFileSync(config, text);
    return { name: `prometheus-${replica}`, replica, config, data: dir("prometheus", replica, "data"), port: prometheusPorts[i]! };
  });

  // --- the long-term store ---------------------------------------------------------------------------
  let victoriaMetrics: DemoHaLayout["victoriaMetrics"];
  if (o.withLongTermStore) {
    const vmDir = dir("victoria-metrics");
    const relabelConfigFile = join(vmDir, "relabel.yml");
    writeFileSync(relabelConfigFile, longTermStoreRelabelConfig());
    const scrapeIntervalMs = parseDuration(DEMO_SCRAPE_INTERVAL);
    if (scrapeIntervalMs === undefined) throw new Error(`DEMO_SCRAPE_INTERVAL is not a duration: ${DEMO_SCRAPE_INTERVAL}`);
    victoriaMetrics = {
      name: "victoria-metrics",
      port: h.victoriaMetrics,
      flags: longTermStoreFlags({
        scrapeIntervalMs,
        storageDataPath: join(vmDir, "data"),
        relabelConfigFile,
        httpListenAddr: `127.0.0.1:${h.victoriaMetrics}`,
      }),
    };
  }

  // --- PostgreSQL: a password made once and kept with the other secrets ------------------------------------
  const passwordFile = join(dataDir, "secrets", "postgres-password");
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, `${randomBytes(18).toString("hex")}\n`, { mode: 0o600 });

  return {
    base,
    exporters,
    notifiers,
    prometheus,
    alertmanagers,
    victoriaMetrics,
    postgres: { dir: dir("postgres"), port: h.postgres, password: readFileSync(passwordFile, "utf8").trim() },
    webhookTokenFile: join(dataDir, "secrets", "notifier-webhook-token"),
  };
}
