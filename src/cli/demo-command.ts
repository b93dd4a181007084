import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { DEFAULT_DEMO_PORTS, DEMO_RULE_PARAMETERS, type DemoPorts } from "../demo/demo-defaults.js";

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
    .option("--keep-state", "keep the previous run's Prometheus data, notices and logs (default: every start is fresh; the secrets are kept)")
    .option("--simulator-pasv-range <from-to>", "the simulator's FTPS passive data ports (default 40000-40999)");
  for (const [key, flag, what] of PORT_FLAGS) cmd.option(flag, `${what} (default ${DEFAULT_DEMO_PORTS[key]})`);
  cmd.action(async (opts: Record<string, string | boolean | undefined>) => {
    const { runDemo } = await import("../demo/run-demo.js");
    const ports = { ...DEFAULT_DEMO_PORTS };
    for (const [key, flag] of PORT_FLAGS) {
      const name = flag
        .split(" ")[0]!
        .slice(2)
        .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      const raw = opts[name];
      if (raw === undefined) continue;
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        process.stderr.write(`${flag.split(" ")[0]}: expected a port number 1-65535, got "${raw}"\n`);
        process.exitCode = 2;
        return;
      }
      ports[key] = port;
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
      });
    } catch (err) {
      reportCommandFailure(err, "smt-monitor demo: ");
    }
  });
}
