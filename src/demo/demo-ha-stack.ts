import { findDemoBinaries, findOnPath, startSimulator, waitReady, CLI, type DemoBinaries } from "./demo-stack.js";
import type { DemoHaLayout } from "./demo-ha-setup.js";
import { DEMO_HA_DATABASE_URL_ENV } from "./demo-ha-setup.js";
import { createDemoNoticesDatabase, findPostgresBinDir, prepareDemoPostgres, type DemoPostgresCluster } from "./demo-postgres.js";
import type { DemoPorts } from "./demo-setup.js";
import type { ProcessSupervisor, SupervisedProcess } from "./process-supervisor.js";

/**
 * Starts the highly available topology of `smt-monitor demo --ha` (docs/ha.md, "Running it") under the
 * demo's process supervisor: the simulator and PostgreSQL first (the exporters read the simulator's
 * certificates, the notifiers need the database), then three exporters, two notifiers, two
 * Alertmanagers in a cluster, the long-term store (when installed) and the Prometheus pair.
 */

export interface DemoHaBinaries extends DemoBinaries {
  /** PostgreSQL's server binaries (initdb, postgres). */
  postgresBin: string;
  /** VictoriaMetrics' single-node binary, or undefined when it is not installed (then no long-term store). */
  victoriaMetrics?: string;
}

/** What installs VictoriaMetrics, said when it is missing (the pair then runs without the long-term store). */
export const VICTORIA_METRICS_MISSING =
  "VictoriaMetrics is not installed: the Prometheus pair runs without the long-term store. Install Debian's victoria-metrics package (scripts/setup.sh does) to add it.";

/** The binaries, or the message to print when a part that --ha cannot do without is missing. */
export function findDemoHaBinaries(path?: string, env: NodeJS.ProcessEnv = process.env): DemoHaBinaries | { missing: string } {
  const single = findDemoBinaries(path);
  const postgresBin = findPostgresBinDir(env);
  const missing = [
    "missing" in single ? single.missing : undefined,
    postgresBin
      ? undefined
      : "smt-monitor demo --ha needs PostgreSQL's server binaries (initdb, postgres) for the notifiers' shared store: install Debian's postgresql package (scripts/setup.sh does), or set SMT_POSTGRES_BIN to the folder holding them.",
  ].filter((m) => m !== undefined);
  if (missing.length > 0 || "missing" in single || !postgresBin) return { missing: missing.join("\n") };
  return { ...single, postgresBin, victoriaMetrics: findOnPath(["victoria-metrics", "victoria-metrics-prod"], path) };
}

export async function startDemoHaStack(
  layout: DemoHaLayout,
  ports: DemoPorts,
  binaries: DemoHaBinaries,
  supervisor: ProcessSupervisor,
  log: (line: string) => void,
  pasvRange?: [number, number],
): Promise<DemoPostgresCluster> {
  const startPostgres = async () => {
    const cluster = await prepareDemoPostgres({
      binDir: binaries.postgresBin,
      dir: layout.postgres.dir,
      port: layout.postgres.port,
      password: layout.postgres.password,
    });
    const server = supervisor.start("postgres", cluster.command, cluster.args);
    let exited = false;
    void server.exited.then(() => (exited = true));
    await createDemoNoticesDatabase(cluster, () => exited);
    log("  postgres ready");
    return cluster;
  };
  const [, cluster] = await Promise.all([startSimulator(layout.base, ports, supervisor, pasvRange).then(() => log("  simulator ready")), startPostgres()]);

  const node = (name: string, args: string[], env?: NodeJS.ProcessEnv) => supervisor.start(name, process.execPath, [CLI, ...args], { env });
  const started: [SupervisedProcess, string][] = [
    ...layout.exporters.map((e): [SupervisedProcess, string] => [node(e.name, ["exporter", "--config.file", e.config]), `http://127.0.0.1:${e.port}/-/ready`]),
    ...layout.notifiers.map((n): [SupervisedProcess, string] => [
      node(n.name, ["notifier", "--config.file", n.config], { ...process.env, [DEMO_HA_DATABASE_URL_ENV]: cluster.url }),
      `http://127.0.0.1:${n.port}/-/ready`,
    ]),
    ...layout.alertmanagers.map((a): [SupervisedProcess, string] => [
      supervisor.start(a.name, binaries.alertmanager, [
        `--config.file=${a.config}`,
        `--storage.path=${a.data}`,
        `--web.listen-address=127.0.0.1:${a.port}`,
        `--web.external-url=http://127.0.0.1:${a.port}`,
        `--cluster.listen-address=127.0.0.1:${a.gossipPort}`,
        `--cluster.peer=127.0.0.1:${a.peerGossipPort}`,
      ]),
      `http://127.0.0.1:${a.port}/-/ready`,
    ]),
    ...(layout.victoriaMetrics && binaries.victoriaMetrics
      ? [
          [
            supervisor.start(layout.victoriaMetrics.name, binaries.victoriaMetrics, layout.victoriaMetrics.flags),
            `http://127.0.0.1:${layout.victoriaMetrics.port}/health`,
          ] as [SupervisedProcess, string],
        ]
      : []),
    ...layout.prometheus.map((p): [SupervisedProcess, string] => [
      supervisor.start(p.name, binaries.prometheus, [
        `--config.file=${p.config}`,
        `--storage.tsdb.path=${p.data}`,
        // what a replica keeps (docs/ha.md, "Retention"); the long-term store keeps 13 months
        "--storage.tsdb.retention.time=35d",
        `--web.listen-address=127.0.0.1:${p.port}`,
        `--web.external-url=http://127.0.0.1:${p.port}`,
      ]),
      `http://127.0.0.1:${p.port}/-/ready`,
    ]),
  ];
  await Promise.all(
    started.map(async ([p, url]) => {
      await waitReady(p, url);
      log(`  ${p.name} ready`);
    }),
  );
  return cluster;
}
