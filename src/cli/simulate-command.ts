import type { Command } from "commander";
import { createLogger } from "../log/logger.js";
import { DEFAULT_SIMULATOR_PORTS } from "../simulator/ports.js";
import { addLogOptions } from "./log-options.js";
import { missingSimulatorPackage, simulatorPackagesMissingMessage } from "../simulator/simulator-packages.js";
// Types only: the module itself is imported when the command runs, so production never loads the simulator.
import type * as SimulatorModule from "../simulator/simulator.js";
import { EXIT_RUNTIME } from "./command-failure.js";

export function registerSimulate(program: Command): void {
  const cmd: Command = program
    .command("simulate")
    .description(
      'Run a fake SMT on loopback (HTTPS portal, API, HAN API, FTPS, SFTP) with an admin API that injects faults: POST /faults {"service","fault"}, DELETE /faults.',
    )
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--state-dir <dir>", "where certificates, credentials and files are written", ".smt-demo/simulator")
    .option("--admin-port <port>", "admin API port", String(DEFAULT_SIMULATOR_PORTS.admin))
    .option("--gui-port <port>", "HTTPS portal port", String(DEFAULT_SIMULATOR_PORTS.gui))
    .option("--api-port <port>", "HTTPS API port", String(DEFAULT_SIMULATOR_PORTS.api))
    .option("--han-port <port>", "HTTPS HAN API port", String(DEFAULT_SIMULATOR_PORTS.han))
    .option("--ftps-port <port>", "FTPS (explicit TLS) control port", String(DEFAULT_SIMULATOR_PORTS.ftps))
    .option("--sftp-port <port>", "SFTP (SSH) port", String(DEFAULT_SIMULATOR_PORTS.sftp))
    .option("--pasv-range <from-to>", "FTPS passive data ports (two simulators on one machine need disjoint ranges)", "40000-40999");
  addLogOptions(cmd).action(async (opts: Record<string, string>) => {
    let simulator: typeof SimulatorModule;
    try {
      simulator = await import("../simulator/simulator.js");
    } catch (err) {
      const missing = missingSimulatorPackage(err);
      if (!missing) throw err;
      process.stderr.write(`${simulatorPackagesMissingMessage(missing)}\n`);
      process.exitCode = EXIT_RUNTIME;
      return;
    }
    const { startSimulator } = simulator;
    const logger = createLogger({ name: "simulator", level: opts["log.level"], format: opts["log.format"] === "logfmt" ? "logfmt" : "json" });
    const port = (name: string) => {
      const value = Number(opts[name]);
      // A usage error: one line and exit 2 (cmd.error ends in main.ts' handler).
      if (!Number.isInteger(value) || value < 0 || value > 65535)
        cmd.error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: expected a port number, got "${opts[name]}"`, { exitCode: 2 });
      return value;
    };
    const pasv = /^(\d+)-(\d+)$/.exec(opts.pasvRange ?? "");
    if (!pasv || Number(pasv[1]) < 1024 || Number(pasv[2]) > 65535 || Number(pasv[1]) > Number(pasv[2])) {
      cmd.error(`--pasv-range: expected "from-to" with 1024 <= from <= to <= 65535, got "${opts.pasvRange}"`, { exitCode: 2 });
    }
    const sim = await startSimulator({
      host: opts.host,
      pasvRange: [Number(pasv[1]), Number(pasv[2])],
      stateDir: opts.stateDir!,
      ports: { admin: port("adminPort"), gui: port("guiPort"), api: port("apiPort"), han: port("hanPort"), ftps: port("ftpsPort"), sftp: port("sftpPort") },
    });
    logger.info({ ports: sim.ports, state_dir: sim.stateDir, ca_file: sim.files.ca }, "simulator listening");
    const stop = async () => {
      await sim.stop();
      logger.flush();
      process.exit(0);
    };
    process.once("SIGTERM", () => void stop());
    process.once("SIGINT", () => void stop());
  });
}
