import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DemoLayout, DemoPorts } from "./demo-setup.js";
import type { DemoHaPorts } from "./demo-defaults.js";
import { type ProcessSupervisor, tailOf, type SupervisedProcess } from "./process-supervisor.js";
import { delay, timeoutSignal } from "../scheduler/timer.js";

/** The binaries the demo runs besides Node.js, found on PATH (scripts/setup.sh installs them from Debian). */
export interface DemoBinaries {
  prometheus: string;
  alertmanager: string;
}

export function findOnPath(names: string[], path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const full = join(dir, name);
      try {
        accessSync(full, constants.X_OK);
        return full;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The binaries, or the message to print when some are missing. */
export function findDemoBinaries(path?: string): DemoBinaries | { missing: string } {
  const prometheus = findOnPath(["prometheus"], path);
  const alertmanager = findOnPath(["prometheus-alertmanager", "alertmanager"], path);
  const missing = [!prometheus && "prometheus", !alertmanager && "prometheus-alertmanager (or alertmanager)"].filter(Boolean);
  if (missing.length > 0) {
    return {
      missing:
        `smt-monitor demo needs ${missing.join(" and ")} on PATH.\n` +
        `Run scripts/setup.sh (it installs the Debian packages prometheus and prometheus-alertmanager), or put the binaries on PATH.`,
    };
  }
  return { prometheus: prometheus!, alertmanager: alertmanager! };
}

const PORT_OPTIONS: Record<keyof DemoPorts | keyof DemoHaPorts, string> = {
  exporter: "--exporter-port",
  notifier: "--notifier-port",
  status: "--status-port",
  prometheus: "--prometheus-port",
  alertmanager: "--alertmanager-port",
  simulatorAdmin: "--simulator-admin-port",
  simulatorGui: "--simulator-gui-port",
  simulatorApi: "--simulator-api-port",
  simulatorHan: "--simulator-han-port",
  simulatorFtps: "--simulator-ftps-port",
  simulatorSftp: "--simulator-sftp-port",
  exporterDallas: "--exporter-dallas-port",
  exporterHouston: "--exporter-houston-port",
  notifier2: "--notifier-2-port",
  prometheusB: "--prometheus-b-port",
  alertmanager2: "--alertmanager-2-port",
  alertmanagerGossip: "--alertmanager-gossip-port",
  alertmanager2Gossip: "--alertmanager-2-gossip-port",
  victoriaMetrics: "--victoria-metrics-port",
  postgres: "--postgres-port",
};

/** Ports already taken on 127.0.0.1, each with the option that moves it. */
export async function busyPorts(ports: Partial<Record<keyof typeof PORT_OPTIONS, number>>): Promise<string[]> {
  const busy: string[] = [];
  for (const [key, port] of Object.entries(ports) as [keyof typeof PORT_OPTIONS, number][]) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (!free) busy.push(`port ${port} (${key}) is in use: stop what uses it or pick another with ${PORT_OPTIONS[key]}`);
  }
  return busy;
}

/** The simulator's FTPS passive data ports in the demo (another demo on the same machine needs another range). */
export const DEFAULT_DEMO_PASV_RANGE: [number, number] = [40000, 40999];

/** The built CLI the Node.js components run (dist/cli/main.js). */
export const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));

/** Starts the simulator (first: the exporters read its certificates) and waits until it is ready. */
export async function startSimulator(
  layout: Pick<DemoLayout, "simulatorDir">,
  ports: DemoPorts,
  supervisor: ProcessSupervisor,
  pasvRange: [number, number] = DEFAULT_DEMO_PASV_RANGE,
): Promise<SupervisedProcess> {
  const simulator = supervisor.start("simulator", process.execPath, [
    CLI,
    "simulate",
    "--state-dir",
    layout.simulatorDir,
    "--admin-port",
    String(ports.simulatorAdmin),
    "--gui-port",
    String(ports.simulatorGui),
    "--api-port",
    String(ports.simulatorApi),
    "--han-port",
    String(ports.simulatorHan),
    "--ftps-port",
    String(ports.simulatorFtps),
    "--sftp-port",
    String(ports.simulatorSftp),
    "--pasv-range",
    `${pasvRange[0]}-${pasvRange[1]}`,
  ]);
  await waitReady(simulator, `http://127.0.0.1:${ports.simulatorAdmin}/-/healthy`);
  return simulator;
}

/** Starts every component (simulator first: the exporter reads its certificates). */
export async function startDemoStack(
  layout: DemoLayout,
  ports: DemoPorts,
  binaries: DemoBinaries,
  supervisor: ProcessSupervisor,
  log: (line: string) => void,
  pasvRange: [number, number] = DEFAULT_DEMO_PASV_RANGE,
): Promise<void> {
  const node = (name: string, args: string[]) => supervisor.start(name, process.execPath, [CLI, ...args]);
  await startSimulator(layout, ports, supervisor, pasvRange);
  log("  simulator ready");
  const started = [
    [
      node("exporter", ["exporter", "--config.file", layout.exporterConfig, "--data-dir", layout.exporterDataDir]),
      `http://127.0.0.1:${ports.exporter}/-/ready`,
    ],
    [node("notifier", ["notifier", "--config.file", layout.notifierConfig]), `http://127.0.0.1:${ports.notifier}/-/ready`],
    [
      supervisor.start("alertmanager", binaries.alertmanager, [
        `--config.file=${layout.alertmanagerConfig}`,
        `--storage.path=${layout.alertmanagerData}`,
        `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
        `--web.external-url=http://127.0.0.1:${ports.alertmanager}`,
        "--cluster.listen-address=",
      ]),
      `http://127.0.0.1:${ports.alertmanager}/-/ready`,
    ],
    [
      supervisor.start("prometheus", binaries.prometheus, [
        `--config.file=${layout.prometheusConfig}`,
        `--storage.tsdb.path=${layout.prometheusData}`,
        "--storage.tsdb.retention.time=400d",
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        `--web.external-url=http://127.0.0.1:${ports.prometheus}`,
      ]),
      `http://127.0.0.1:${ports.prometheus}/-/ready`,
    ],
  ] as const;
  await Promise.all(
    started.map(async ([p, url]) => {
      await waitReady(p, url);
      log(`  ${p.name} ready`);
    }),
  );
  // The public status page reads the notifier's store (created by now) and Prometheus.
  const status = node("status", [
    "status",
    "--prometheus",
    `http://127.0.0.1:${ports.prometheus}`,
    "--notices",
    layout.notifierStore,
    "--web.listen-address",
    `127.0.0.1:${ports.status}`,
  ]);
  await waitReady(status, `http://127.0.0.1:${ports.status}/-/healthy`);
  log("  status page ready");
}

/** Polls url until it answers 2xx; fails when the process exits first or after timeoutMs. */
export async function waitReady(p: SupervisedProcess, url: string, timeoutMs = 60_000): Promise<void> {
  let exited = false;
  void p.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${p.name} exited before it was ready; the end of ${p.logFile}:\n${tailOf(p.logFile)}`);
    try {
      const res = await fetch(url, { signal: timeoutSignal(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`${p.name} was not ready at ${url} after ${timeoutMs / 1000} s; the end of ${p.logFile}:\n${tailOf(p.logFile)}`);
}
