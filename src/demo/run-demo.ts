import { resolve } from "node:path";
import { prepareDemo, DEMO_ALERT_EVALUATION_INTERVAL, DEMO_RULE_PARAMETERS, DEMO_SCRAPE_INTERVAL, type DemoPorts } from "./demo-setup.js";
import { busyPorts, findDemoBinaries, startDemoStack } from "./demo-stack.js";
import { injectOutage, waitForInitialDraft } from "./demo-scenario.js";
import { endLeftovers, ProcessSupervisor, tailOf } from "./process-supervisor.js";
import { ALERT_NAMES } from "../rules/alert-contract.js";
import { PRODUCTION_RULE_PARAMETERS } from "../rules/availability-rules.js";

export interface DemoOptions {
  dataDir: string;
  exporterTemplate: string;
  alertmanagerTemplate: string;
  ports: DemoPorts;
  outage: boolean;
  /** The simulator's FTPS passive port range. */
  pasvRange?: [number, number];
  /** Keep the previous run's Prometheus data, notices and logs (default: a fresh start). */
  keepState?: boolean;
}

/** Runs the demo until SIGINT/SIGTERM (or a component dies); returns the exit code. */
export async function runDemo(o: DemoOptions): Promise<number> {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  const binaries = findDemoBinaries();
  if ("missing" in binaries) {
    process.stderr.write(`${binaries.missing}\n`);
    return 1;
  }
  // Before anything is removed or rewritten: what a killed previous run left behind.
  const leftovers = endLeftovers(resolve(o.dataDir, "demo.pids"), resolve(o.dataDir));
  const layout = await prepareDemo({
    dataDir: o.dataDir,
    exporterTemplate: o.exporterTemplate,
    alertmanagerTemplate: o.alertmanagerTemplate,
    ports: o.ports,
    now: Date.now(),
    keepState: o.keepState,
  });
  if (leftovers.length > 0) out(`Ended components a previous demo left running: ${leftovers.join(", ")}`);
  const busy = await busyPorts(o.ports);
  if (busy.length > 0) {
    process.stderr.write(`smt-monitor demo cannot start:\n  ${busy.join("\n  ")}\n`);
    return 1;
  }

  let stopping = false;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const supervisor = new ProcessSupervisor({
    logDir: layout.logDir,
    pidFile: layout.pidFile,
    onUnexpectedExit: (p, code, signal) => {
      process.stderr.write(
        `\n${p.name} exited unexpectedly (${signal ?? `code ${code}`}); the end of ${p.logFile}:\n${tailOf(p.logFile)}\nStopping the demo.\n`,
      );
      void shutdown(1);
    },
  });
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    out("\nStopping every component…");
    await supervisor.stop();
    out("All components stopped.");
    finish(code);
  };
  process.once("exit", () => supervisor.killAll());
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));
  process.once("SIGHUP", () => void shutdown(0));

  const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;
  out(`Starting the SMT monitor demo in ${layout.dataDir} (logs: ${layout.logDir}) …`);
  try {
    await startDemoStack(layout, o.ports, binaries, supervisor, out, o.pasvRange);
  } catch (err) {
    process.stderr.write(`\n${(err as Error).message}\n`);
    await shutdown(1);
    return finished;
  }

  const p = o.ports;
  out(
    [
      "",
      "SMT monitor demo is running:",
      `  review page   ${url(p.notifier, "/notices")}   (user ${layout.reviewer.name}, password ${layout.reviewer.password})`,
      `  notifier      ${url(p.notifier, "/metrics")}   API ${url(p.notifier, "/api/v1/notices")}`,
      `  exporter      ${url(p.exporter, "/metrics")}`,
      `  prometheus    ${url(p.prometheus)}   alerts ${url(p.prometheus, "/alerts")}   rules ${url(p.prometheus, "/rules")}`,
      `  alertmanager  ${url(p.alertmanager)}`,
      `  simulator     admin ${url(p.simulatorAdmin)}   portal https://127.0.0.1:${p.simulatorGui}/   api :${p.simulatorApi}   han :${p.simulatorHan}   ftps :${p.simulatorFtps}`,
      `  data          ${layout.dataDir}   (one folder per component; logs in ${layout.logDir})`,
      `  rules         production generator (src/rules/availability-rules.ts) with ${ALERT_NAMES.unplannedOutage} after more than ${DEMO_RULE_PARAMETERS.unplannedOutageMinutes} minute ` +
        `(production: ${PRODUCTION_RULE_PARAMETERS.unplannedOutageMinutes}); scrape every ${DEMO_SCRAPE_INTERVAL}, alerts evaluated every ${DEMO_ALERT_EVALUATION_INTERVAL}`,
      `  inject fault  curl -XPOST ${url(p.simulatorAdmin, "/faults")} -H 'content-type: application/json' -d '{"service":"api","fault":"http_503"}'`,
      `  clear faults  curl -XDELETE ${url(p.simulatorAdmin, "/faults")}   (the outage ends; a COMPLETION draft follows)`,
      "Press Ctrl-C to stop every component.",
      "",
    ].join("\n"),
  );
  if (layout.maintenanceNote) out(`Note: ${layout.maintenanceNote}.`);

  if (o.outage && !stopping) {
    const service = layout.outageService;
    try {
      const injectedAt = Date.now();
      const fault = await injectOutage(url(p.simulatorAdmin).replace(/\/$/, ""), service);
      out(
        `Scenario: injected "${fault}" into ${service} at ${new Date().toISOString()}; ${ALERT_NAMES.unplannedOutage} fires after more than ${DEMO_RULE_PARAMETERS.unplannedOutageMinutes} unavailable minute, and the INITIAL notice draft appears on the review page in about two minutes.`,
      );
      void waitForInitialDraft(url(p.notifier).replace(/\/$/, ""), layout.reviewer, () => stopping, injectedAt).then((notice) => {
        if (notice)
          out(`Scenario: INITIAL draft ${notice.id} is ready for review: ${url(p.notifier, `/notices/${encodeURIComponent(notice.id)}`)}\n  ${notice.subject}`);
      });
    } catch (err) {
      process.stderr.write(`Scenario: ${(err as Error).message}\n`);
    }
  }
  return finished;
}
