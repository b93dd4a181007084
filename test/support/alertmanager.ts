import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ALERT_ANNOTATIONS as A, ALERT_NAMES } from "../../src/rules/alert-contract.js";
import { freePort } from "./notifier-fixture.js";
import { waitFor } from "./http.js";

export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
export const AMTOOL = "/usr/bin/amtool";
const REPO_CONFIG = join(__dirname, "..", "..", "alertmanager", "alertmanager.yml");

export interface RunningAlertmanager {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Injects alerts as Prometheus would (POST /api/v2/alerts). */
  post(alerts: Record<string, unknown>[]): Promise<void>;
  /** A sample from its own /metrics. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The repository's alertmanager.yml with only what a test must change: the notifier's URL, the
 * token file, and short group timings.
 */
export function testAlertmanagerConfig(dir: string, notifierUrl: string, token: string): string {
  const config = parse(readFileSync(REPO_CONFIG, "utf8")) as {
    route: { routes: Record<string, unknown>[] } & Record<string, unknown>;
    receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
  };
  const tokenFile = join(dir, "notifier-token");
  writeFileSync(tokenFile, token);
  for (const route of [config.route, ...config.route.routes]) Object.assign(route, { group_wait: "500ms", group_interval: "1s", repeat_interval: "2s" });
  const webhook = config.receivers.find((r) => r.name === "smt-notifier")!.webhook_configs![0]!;
  webhook.url = `${notifierUrl}/alertmanager/webhook`;
  (webhook.http_config as { authorization: { credentials_file: string } }).authorization.credentials_file = tokenFile;
  const file = join(dir, "alertmanager.yml");
  writeFileSync(file, stringify(config));
  return file;
}

/** Gossip on loopback with the other members of an Alertmanager cluster (docs/ha.md, "Alertmanager cluster"). */
export interface AlertmanagerClusterOptions {
  /** This member's gossip port (TCP and UDP) on 127.0.0.1. */
  listenPort: number;
  /** The other members' gossip ports on 127.0.0.1. */
  peerPorts: number[];
  /**
   * How long the second member waits for the first one's notification before it sends its own
   * (`--cluster.peer-timeout`, Alertmanager's default 15s).
   */
  peerTimeout?: string;
}

export async function startAlertmanager(dir: string, configFile: string, options: { cluster?: AlertmanagerClusterOptions } = {}): Promise<RunningAlertmanager> {
  const port = await freePort();
  const storage = join(dir, `am-data-${port}`);
  mkdirSync(storage, { recursive: true });
  const c = options.cluster;
  const clusterArgs = c
    ? [
        `--cluster.listen-address=127.0.0.1:${c.listenPort}`,
        ...c.peerPorts.map((p) => `--cluster.peer=127.0.0.1:${p}`),
        // Gossip and the settle wait before the first notification (10 gossip intervals, three times) in about a second.
        "--cluster.gossip-interval=50ms",
        "--cluster.pushpull-interval=2s",
        "--cluster.reconnect-interval=1s",
        ...(c.peerTimeout !== undefined ? [`--cluster.peer-timeout=${c.peerTimeout}`] : []),
      ]
    : ["--cluster.listen-address="];
  const child = spawn(
    ALERTMANAGER,
    [
      ...clusterArgs,
      `--storage.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // The webhook payload's externalURL: tells apart which member of a cluster delivered.
      `--web.external-url=http://127.0.0.1:${port}`,
      `--config.file=${configFile}`,
      "--log.level=debug",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitFor(
    "alertmanager ready",
    async () => {
      if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}: ${output}`);
      try {
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    20_000,
  );
  return {
    url,
    child,
    output: () => output,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let total = 0;
      for (const line of text.split("\n")) {
        if (!line.startsWith(name)) continue;
        const m = /^(\w+)(\{(.*)\})? (\S+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const have = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[4]);
      }
      return total;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * `size` Alertmanagers peered on loopback (each lists every other as --cluster.peer), started
 * together; resolves once every member sees all the others (alertmanager_cluster_members).
 */
export async function startAlertmanagerCluster(
  dir: string,
  configFile: string,
  size: number,
  options: Omit<AlertmanagerClusterOptions, "listenPort" | "peerPorts"> = {},
): Promise<RunningAlertmanager[]> {
  const gossipPorts: number[] = [];
  for (let i = 0; i < size; i++) gossipPorts.push(await freePort());
  const members = await Promise.all(
    gossipPorts.map((listenPort) =>
      startAlertmanager(dir, configFile, { cluster: { ...options, listenPort, peerPorts: gossipPorts.filter((p) => p !== listenPort) } }),
    ),
  );
  await waitFor(
    `a cluster of ${size} Alertmanagers`,
    async () => ((await Promise.all(members.map((m) => m.metric("alertmanager_cluster_members")))).every((n) => n === size) ? true : undefined),
    30_000,
  );
  return members;
}

/** An alert as Prometheus sends it to Alertmanager. */
export function promAlert(o: {
  alertname?: string;
  service: string;
  start: number;
  endsAt?: Date;
  extraLabels?: Record<string, string>;
}): Record<string, unknown> {
  const alertname = o.alertname ?? ALERT_NAMES.unplannedOutage;
  return {
    labels: { alertname, service: o.service, severity: "critical", ...o.extraLabels },
    annotations: {
      summary: `SMT ${o.service} unavailable for over 15 minutes`,
      description: `Every probe of the ${o.service} service has failed since the outage start.`,
      [A.runbookUrl]: "https://runbooks.example/smt-unplanned-outage",
      [A.outageStartTimestamp]: String(o.start),
      [A.outageStartCentral]: "n/a",
    },
    startsAt: new Date((o.start + 900) * 1000).toISOString(),
    endsAt: (o.endsAt ?? new Date(Date.now() + 3_600_000)).toISOString(),
    generatorURL: "http://prometheus.example/graph?g0.expr=smt",
  };
}
