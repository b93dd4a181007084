import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { DEFAULT_DEMO_HA_PORTS, DEFAULT_DEMO_PORTS, DEMO_RULE_PARAMETERS, type DemoHaPorts, type DemoPorts } from "../demo/demo-defaults.js";

const packageFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

const PORT_FLAGS: [keyof DemoPorts, string, string][] = [
  ["exporter", "--exporter-port <port>", "exporter /metrics"],
  ["notifier", "--notifier-port <port>", "notifier: review pages and Alertmanager webhook"],
  ["status", "--status-port <port>", "public status page (smt-monitor status)"],
  ["prometheus", "--prometheus-port <port>", "Prometheus"],
  ["alertmanager", "--alertmanager-port <port>", "Alertmanager"],
  ["simulatorAdmin", "--simulator-admin-port <port>", "simulator admin API (faults)"],
  ["simulatorGui", "--simulator-gui-port <port>", "simulator HTTPS portal"],
  ["simulatorApi", "--simulator-api-port <port>", "simulator HTTPS API"],
  ["simulatorHan", "--simulator-han-port <port>", "simulator HTTPS HAN API"],
  ["simulatorFtps", "--simulator-ftps-port <port>", "simulator FTPS"],
  ["simulatorSftp", "--simulator-sftp-port <port>", "simulator SFTP"],
];

/** The ports only --ha uses (docs/ha.md, "Running it"). */
const HA_PORT_FLAGS: [keyof DemoHaPorts, string, string][] = [
  ["exporterDallas", "--exporter-dallas-port <port>", "--ha: the dallas location's exporter (austin's is --exporter-port)"],
  ["exporterHouston", "--exporter-houston-port <port>", "--ha: the houston location's exporter"],
  ["notifier2", "--notifier-2-port <port>", "--ha: the second notifier"],
  ["prometheusB", "--prometheus-b-port <port>", "--ha: Prometheus replica b"],
  ["alertmanager2", "--alertmanager-2-port <port>", "--ha: the second Alertmanager"],
  ["alertmanagerGossip", "--alertmanager-gossip-port <port>", "--ha: the first Alertmanager's cluster port (TCP and UDP)"],
  ["alertmanager2Gossip", "--alertmanager-2-gossip-port <port>", "--ha: the second Alertmanager's cluster port (TCP and UDP)"],
  ["victoriaMetrics", "--victoria-metrics-port <port>", "--ha: the long-term store (VictoriaMetrics)"],
  ["postgres", "--postgres-port <port>", "--ha: PostgreSQL, the notifiers' shared store"],
];

/** The option's key as commander names it ("--notifier-2-port" -> "notifier2Port"). */
const optionKey = (flag: string) =>
  flag
    .split(" ")[0]!
    .slice(2)
    .replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The ports of the flags given, each 1-65535; a message for the first that is not. */
function readPorts<K extends string>(
  flags: [K, string, string][],
  opts: Record<string, string | boolean | undefined>,
  into: Record<K, number>,
): string | undefined {
  for (const [key, flag] of flags) {
    const raw = opts[optionKey(flag)];
    if (raw === undefined) continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `${flag.split(" ")[0]}: expected a port number 1-65535, got "${String(raw)}"`;
    into[key] = port;
  }
  return undefined;
}

export function registerDemo(program: Command): void {
  const cmd = program
    .command("demo")
    .description(
      "The whole stack on this machine (npm start): simulator, exporter, notifier, Prometheus and Alertmanager as child processes, " +
        `state under --data-dir; injects an outage that drafts an INITIAL notice in about two minutes (demo threshold: more than ${DEMO_RULE_PARAMETERS.unplannedOutageMinutes} minute). Ctrl-C stops everything (docs/demo.md).`,
    )
    .option("--data-dir <dir>", "where every component keeps its config, state and log", ".smt-demo")
    .option("--config.file <file>", `exporter config template (ports and paths are rewritten for this run) (default: ${packageFile("config/demo.yaml")})`)
    .option("-c, --config <file>", "alias of --config.file")
    .option("--no-outage", "do not inject the outage (the stack only)")
    .option(
      "--ha",
      "the highly available topology instead (docs/ha.md): 3 exporters at 3 locations, 2 Prometheus, VictoriaMetrics (when installed), 2 Alertmanagers in a cluster, 2 notifiers on PostgreSQL; take any one away and the rest keeps going",
    )
    .option("--keep-state", "keep the previous run's Prometheus data, notices and logs (default: every start is fresh; the secrets are kept)")
    .option("--simulator-pasv-range <from-to>", "the simulator's FTPS passive data ports (default 40000-40999)");
  for (const [key, flag, what] of PORT_FLAGS) cmd.option(flag, `${what} (default ${DEFAULT_DEMO_PORTS[key]})`);
  for (const [key, flag, what] of HA_PORT_FLAGS) cmd.option(flag, `${what} (default ${DEFAULT_DEMO_HA_PORTS[key]})`);
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const { runDemo } = await import("../demo/run-demo.js");
    const ports = { ...DEFAULT_DEMO_PORTS };
    const haPorts = { ...DEFAULT_DEMO_HA_PORTS };
    const badPort = readPorts(PORT_FLAGS, opts, ports) ?? readPorts(HA_PORT_FLAGS, opts, haPorts);
    if (badPort !== undefined) {
      process.stderr.write(`${badPort}\n`);
      process.exitCode = 2;
      return;
    }
    let pasvRange: [number, number] | undefined;
    if (opts.simulatorPasvRange !== undefined) {
      const m = /^(\d+)-(\d+)$/.exec(String(opts.simulatorPasvRange));
      if (!m || Number(m[1]) < 1024 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) {
        process.stderr.write(`--simulator-pasv-range: expected "from-to" with 1024 <= from <= to <= 65535, got "${opts.simulatorPasvRange}"\n`);
        process.exitCode = 2;
        return;
      }
      pasvRange = [Number(m[1]), Number(m[2])];
    }
    try {
      process.exitCode = await runDemo({
        pasvRange,
        dataDir: String(opts.dataDir),
        exporterTemplate: String(opts["config.file"] ?? opts.config ?? packageFile("config/demo.yaml")),
        alertmanagerTemplate: packageFile("alertmanager/alertmanager.yml"),
        ports,
        outage: opts.outage !== false,
        keepState: opts.keepState === true,
        ha: opts.ha === true ? haPorts : undefined,
      });
    } catch (err) {
      reportCommandFailure(err, "smt-monitor demo: ");
    }
  });
}
