import { resolve } from "node:path";
import { prepareDemo, DEMO_ALERT_EVALUATION_INTERVAL, DEMO_RULE_PARAMETERS, DEMO_SCRAPE_INTERVAL, type DemoCheck, type DemoPorts } from "./demo-setup.js";
import { busyPorts, findDemoBinaries, startDemoStack } from "./demo-stack.js";
import { announceNotice, clearFaults, injectOutage, listNotices, waitForInitialDraft, waitForNotice } from "./demo-scenario.js";
import { DEMO_OUTAGE_AFTER_SENT_MS, DEMO_REVIEW_GRACE_MS } from "./demo-defaults.js";
import { delay } from "../scheduler/timer.js";
import { endLeftovers, ProcessSupervisor, tailOf } from "./process-supervisor.js";
import { ALERT_NAMES } from "../rules/alert-contract.js";
import { PRODUCTION_RULE_PARAMETERS } from "../rules/availability-rules.js";
import type { DemoHaPorts } from "./demo-defaults.js";
import { prepareDemoHa, type DemoHaLayout } from "./demo-ha-setup.js";
import { findDemoHaBinaries, startDemoHaStack, VICTORIA_METRICS_MISSING, type DemoHaBinaries } from "./demo-ha-stack.js";
import { demoHaSummary } from "./demo-ha-summary.js";
import type { Service } from "../config/schema.js";

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
  /** --ha: the highly available topology (docs/ha.md), with these ports besides `ports`. */
  ha?: DemoHaPorts;
}

/** Runs the demo until SIGINT/SIGTERM (or a component dies); returns the exit code. */
export async function runDemo(o: DemoOptions): Promise<number> {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  const binaries = o.ha ? findDemoHaBinaries() : findDemoBinaries();
  if ("missing" in binaries) {
    process.stderr.write(`${binaries.missing}\n`);
    return 1;
  }
  const haBinaries = o.ha ? (binaries as DemoHaBinaries) : undefined;
  if (haBinaries && !haBinaries.victoriaMetrics) out(VICTORIA_METRICS_MISSING);
  // Before anything is removed or rewritten: what a killed previous run left behind.
  const leftovers = endLeftovers(resolve(o.dataDir, "demo.pids"), resolve(o.dataDir));
  const prepared = {
    dataDir: o.dataDir,
    exporterTemplate: o.exporterTemplate,
    alertmanagerTemplate: o.alertmanagerTemplate,
    ports: o.ports,
    now: Date.now(),
    keepState: o.keepState,
  };
  const haLayout: DemoHaLayout | undefined = o.ha
    ? await prepareDemoHa({ ...prepared, haPorts: o.ha, withLongTermStore: haBinaries?.victoriaMetrics !== undefined })
    : undefined;
  const layout = haLayout?.base ?? (await prepareDemo(prepared));
  if (leftovers.length > 0) out(`Ended components a previous demo left running: ${leftovers.join(", ")}`);
  const busy = await busyPorts(o.ha ? haPortsInUse(o.ports, o.ha, haLayout!) : o.ports);
  if (busy.length > 0) {
    process.stderr.write(`smt-monitor demo cannot start:\n  ${busy.join("\n  ")}\n`);
    return 1;
  }

  let stopping = false;
  // --ha: once every part is up, a part that exits is one part lost (docs/ha.md), not the end of the demo.
  let running = false;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const supervisor = new ProcessSupervisor({
    logDir: layout.logDir,
    pidFile: layout.pidFile,
    onUnexpectedExit: (p, code, signal) => {
      if (o.ha && running) {
        process.stderr.write(
          `\n${p.name} exited (${signal ?? `code ${code}`}); the rest keeps running: docs/ha.md says what losing it does. Its log: ${p.logFile}\n`,
        );
        return;
      }
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
    // --ha: the Prometheus pair first (its remote write flushes while the store runs), then one
    // Alertmanager after the other (each leaves the cluster while its peer still answers).
    await supervisor.stop(undefined, haLayout ? [haLayout.prometheus.map((p) => p.name), ...haLayout.alertmanagers.map((a) => [a.name])] : []);
    out("All components stopped.");
    finish(code);
  };
  process.once("exit", () => supervisor.killAll());
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));
  process.once("SIGHUP", () => void shutdown(0));

  const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;
  out(`Starting the SMT monitor demo${o.ha ? " (highly available topology)" : ""} in ${layout.dataDir} (logs: ${layout.logDir}) …`);
  try {
    if (haLayout && haBinaries) {
      const postgres = await startDemoHaStack(haLayout, o.ports, haBinaries, supervisor, out, o.pasvRange);
      running = true;
      out(demoHaSummary(haLayout, o.ports, postgres).join("\n"));
      if (layout.maintenanceNote) out(`Note: ${layout.maintenanceNote}.`);
      if (o.outage && !stopping) void haOutage(haLayout, o.ports, layout.outageService, () => stopping, out);
      return await finished;
    }
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
      `  status page   ${url(p.status, "/status")}   JSON ${url(p.status, "/status.json")}   feed ${url(p.status, "/status.atom")}   (public: sent notices only)`,
      `  exporter      ${url(p.exporter, "/metrics")}`,
      `  prometheus    ${url(p.prometheus)}   alerts ${url(p.prometheus, "/alerts")}   rules ${url(p.prometheus, "/rules")}`,
      `  alertmanager  ${url(p.alertmanager)}`,
      `  call center   declared outages ${url(p.notifier, "/call-center/outages")}   phone-system feed ${url(p.simulatorAdmin, "/call-center/status")}   (fault: '{"service":"call_center","fault":"phone_system_down"}')`,
      `  simulator     admin ${url(p.simulatorAdmin)}   portal https://127.0.0.1:${p.simulatorGui}/   api :${p.simulatorApi}   han :${p.simulatorHan}   ftps :${p.simulatorFtps}   sftp :${p.simulatorSftp}`,
      `  checks        ${demoCheckList(layout.checks)}   (last run and failure: ${url(p.exporter)})`,
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
      void announcedOutage({
        notifierUrl: url(p.notifier).replace(/\/$/, ""),
        adminUrl: url(p.simulatorAdmin).replace(/\/$/, ""),
        statusUrl: url(p.status, "/status"),
        reviewer: layout.reviewer,
        injectedAt,
        stopped: () => stopping,
        out,
      }).catch((err: unknown) => process.stderr.write(`Scenario: ${(err as Error).message}\n`));
    } catch (err) {
      process.stderr.write(`Scenario: ${(err as Error).message}\n`);
    }
  }
  return finished;
}

/**
 * The scenario after the injection: the INITIAL draft for review; after DEMO_REVIEW_GRACE_MS, unless
 * the newcomer did it, approved and marked sent as the demo's reviewer, so the public status page
 * shows the announced outage; DEMO_OUTAGE_AFTER_SENT_MS later the fault is cleared, and the
 * COMPLETION draft is marked sent the same way: the status page shows the service restored.
 */
async function announcedOutage(o: {
  notifierUrl: string;
  adminUrl: string;
  statusUrl: string;
  reviewer: { name: string; password: string };
  injectedAt: number;
  stopped: () => boolean;
  out: (line: string) => void;
}): Promise<void> {
  const initial = await waitForInitialDraft(o.notifierUrl, o.reviewer, o.stopped, o.injectedAt);
  if (!initial) return;
  o.out(`Scenario: INITIAL draft ${initial.id} is ready for review: ${o.notifierUrl}/notices/${encodeURIComponent(initial.id)}\n  ${initial.subject}`);
  o.out(
    `Scenario: the status page ${o.statusUrl} shows only sent notices; mark the draft sent on the review page, or the demo does it in ${DEMO_REVIEW_GRACE_MS / 1000} s.`,
  );
  // unref'd: the components keep the demo alive while it runs; after Ctrl-C the waits must not
  await delay(DEMO_REVIEW_GRACE_MS, { unref: true });
  if (o.stopped()) return;
  const sent = await announceNotice(o.notifierUrl, o.reviewer, initial.id);
  o.out(`Scenario: INITIAL ${sent.id} is sent: the status page now shows the outage as announced: ${o.statusUrl}`);
  await delay(DEMO_OUTAGE_AFTER_SENT_MS, { unref: true });
  if (o.stopped()) return;
  const clearedAt = Date.now();
  await clearFaults(o.adminUrl);
  o.out(`Scenario: cleared the fault at ${new Date(clearedAt).toISOString()}; the alert resolves and a COMPLETION draft follows.`);
  const completion = await waitForNotice(o.notifierUrl, o.reviewer, "COMPLETION", o.stopped, clearedAt);
  if (!completion || o.stopped()) return;
  const done = await announceNotice(o.notifierUrl, o.reviewer, completion.id);
  o.out(`Scenario: COMPLETION ${done.id} is sent: the status page shows the service operational again: ${o.statusUrl}`);
}

/** "gui: gui_home (http), portal_usage (browser, chromium); api: …": the exporter's checks by service, in config order. */
export function demoCheckList(checks: DemoCheck[]): string {
  const byService = new Map<string, string[]>();
  for (const c of checks) {
    const list = byService.get(c.service) ?? [];
    list.push(`${c.name} (${c.kind}${c.browser !== undefined ? `, ${c.browser}` : ""})`);
    byService.set(c.service, list);
  }
  return [...byService].map(([service, names]) => `${service}: ${names.join(", ")}`).join("; ");
}

/** The ports --ha listens on: the single demo's but the status page's, and the HA ones (the store's only when it runs). */
function haPortsInUse(ports: DemoPorts, ha: DemoHaPorts, layout: DemoHaLayout): Partial<Record<keyof DemoPorts | keyof DemoHaPorts, number>> {
  const { status: _notInHa, ...single } = ports;
  const { victoriaMetrics, ...rest } = ha;
  return { ...single, ...rest, ...(layout.victoriaMetrics ? { victoriaMetrics } : {}) };
}

/**
 * The --ha scenario: the outage seen from every location (a majority), so SMTUnplannedOutage fires on
 * both replicas, both Alertmanagers deliver to both notifiers, and one INITIAL draft is stored; read
 * from whichever notifier answers.
 */
async function haOutage(layout: DemoHaLayout, ports: DemoPorts, service: Service, stopped: () => boolean, out: (line: string) => void): Promise<void> {
  const adminUrl = `http://127.0.0.1:${ports.simulatorAdmin}`;
  try {
    const injectedAt = Date.now();
    const fault = await injectOutage(adminUrl, service);
    out(
      `Scenario: injected "${fault}" into ${service} for every location at ${new Date(injectedAt).toISOString()}; ${ALERT_NAMES.unplannedOutage} fires after more than ${DEMO_RULE_PARAMETERS.unplannedOutageMinutes} unavailable minute, and one INITIAL draft appears in both notifiers (one store) in about two minutes. Take parts away meanwhile.`,
    );
    while (!stopped()) {
      for (const n of layout.notifiers) {
        // one look at each notifier (one may have been taken away)
        const notices = await listNotices(`http://127.0.0.1:${n.port}`, layout.base.reviewer).catch(() => []);
        const initial = notices.find((x) => x.kind === "INITIAL" && Date.parse(x.created_at) >= injectedAt - 5_000);
        if (initial) {
          out(
            `Scenario: INITIAL draft ${initial.id} is ready for review on every notifier: http://127.0.0.1:${n.port}/notices/${encodeURIComponent(initial.id)}`,
          );
          return;
        }
      }
      await delay(1_000, { unref: true });
    }
  } catch (err) {
    process.stderr.write(`Scenario: ${(err as Error).message}\n`);
  }
}
