import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ResolvedCheck } from "../config/load.js";
import type { ProbeResult } from "../probes/probe.js";
import { STATUS_FEED_STATES } from "../config/probe-settings-schema.js";
import { VERSION } from "../version.js";
import { OUTAGE_MESSAGE_SHOWN_METRIC } from "./outage-message-metric-names.js";
import { browserPhases } from "../probes/navigation-timing.js";
import { CHECK_INFO_METRIC, COUNTS_FOR_AVAILABILITY_LABEL } from "./check-info-metric-names.js";
import { browserMemoryRestartCounts } from "../probes/browser-pool.js";

const LABELS = ["service", "check", "location"] as const;

/**
 * How often the event-loop-delay monitor behind nodejs_eventloop_lag_* samples the loop. prom-client's
 * default, 10 ms, wakes the loop 100 times a second: about 7 of the 19 CPU-ms per second an idle
 * exporter spent (docs/performance.md). At 100 ms a 15 s scrape still sums 150 samples.
 */
export const EVENT_LOOP_MONITOR_RESOLUTION_MS = 100;
/** Browser checks' series carry the browser too (`browser="chromium"`); the other kinds' series do not have it. */
const BROWSER_LABEL = "browser";
type Labels = Record<(typeof LABELS)[number], string> & { [BROWSER_LABEL]?: string };

/**
 * A check's label sets, built once: record() runs for every probe, and prom-client's labels()
 * allocates five bound functions per call, so the metrics are set with these objects directly.
 */
interface KnownCheck {
  labels: Labels;
  phases: string[];
  phaseLabels: (Labels & { phase: string })[];
  resultLabels: { success: Labels & { result: string }; failure: Labels & { result: string } };
  reasons: Set<string>;
  /** The check looks for the homepage outage message (http `outage_message`). */
  outageMessage: boolean;
  /** A status_feed check: its success says something only when the feed was read (see record()). */
  statusFeed: boolean;
  stateLabels: (Labels & { state: string })[];
  /** The labels of the check's smt_check_info series (without the browser label: one series per check and location). */
  infoLabels: Record<(typeof LABELS)[number] | typeof COUNTS_FOR_AVAILABILITY_LABEL, string>;
}

/** The phases each kind reports (api: one phase per step, named after the step). */
export function phasesOf(check: ResolvedCheck): string[] {
  switch (check.kind) {
    case "http":
      return ["dns", "connect", "tls", "processing", "transfer"];
    case "ftps":
      return check.ftps.tls_mode === "implicit" ? ["connect", "login", "list", "transfer"] : ["connect", "tls", "login", "list", "transfer"];
    case "sftp":
      return ["connect", "handshake", "auth", "list", "transfer"];
    case "api":
      return check.api.steps.map((s) => s.name);
    case "browser":
      return browserPhases(check.browser.steps);
    case "status_feed":
      return check.status_feed.url !== undefined ? ["dns", "connect", "tls", "processing", "transfer"] : ["read"];
  }
}

/**
 * The exporter's metric contract (docs/metrics.md). Every later part (rules, dashboards, notices,
 * reports) reads these names: change them only with a migration note.
 */
export class ProbeMetrics {
  readonly registry = new Registry();
  private readonly success: Gauge;
  private readonly duration: Gauge;
  private readonly phaseDuration: Gauge;
  private readonly runs: Counter;
  private readonly failures: Counter;
  private readonly lastRun: Gauge;
  private readonly lastSuccess: Gauge;
  private readonly certNotAfter: Gauge;
  private readonly newestFile: Gauge;
  private readonly outageMessageShown: Gauge;
  private readonly skipped: Counter;
  private readonly feedState: Gauge;
  private readonly checkInfo: Gauge;
  readonly startLag: Histogram;
  readonly reloadSuccessful: Gauge;
  readonly reloadTimestamp: Gauge;
  private readonly known = new Map<string, KnownCheck>();

  constructor() {
    const registers = [this.registry];
    const l = [...LABELS, BROWSER_LABEL];
    this.success = new Gauge({ name: "smt_probe_success", help: "Whether the latest run of the check succeeded (1) or failed (0).", labelNames: l, registers });
    this.duration = new Gauge({ name: "smt_probe_duration_seconds", help: "Duration of the latest run of the check, in seconds.", labelNames: l, registers });
    this.phaseDuration = new Gauge({
      name: "smt_probe_phase_duration_seconds",
      help: "Duration of each phase of the latest run, in seconds (0 when the phase did not run).",
      labelNames: [...l, "phase"],
      registers,
    });
    this.runs = new Counter({ name: "smt_probe_runs_total", help: "Runs of the check, by result.", labelNames: [...l, "result"], registers });
    this.failures = new Counter({
      name: "smt_probe_failures_total",
      help: "Failed runs of the check, by reason (a fixed set, see docs/metrics.md).",
      labelNames: [...l, "reason"],
      registers,
    });
    this.lastRun = new Gauge({
      name: "smt_probe_last_run_timestamp_seconds",
      help: "Unix time at which the latest run of the check finished.",
      labelNames: l,
      registers,
    });
    this.lastSuccess = new Gauge({
      name: "smt_probe_last_success_timestamp_seconds",
      help: "Unix time at which the latest successful run of the check finished.",
      labelNames: l,
      registers,
    });
    this.certNotAfter = new Gauge({
      name: "smt_tls_cert_not_after_timestamp_seconds",
      help: "Earliest notAfter (Unix time) in the certificate chain the target presented on its latest TLS handshake.",
      labelNames: l,
      registers,
    });
    this.newestFile = new Gauge({
      name: "smt_ftps_newest_file_timestamp_seconds",
      help: "Unix time of the newest file matching the FTPS check's pattern.",
      labelNames: l,
      registers,
    });
    this.outageMessageShown = new Gauge({
      name: OUTAGE_MESSAGE_SHOWN_METRIC,
      help: "Whether the homepage showed the outage message on the latest run (1) or not (0); absent when the homepage did not answer.",
      labelNames: l,
      registers,
    });
    this.feedState = new Gauge({
      name: "smt_status_feed_state",
      help: "The state a status_feed check read (1 for the current one of up, down, degraded; absent while the feed says nothing).",
      labelNames: [...l, "state"],
      registers,
    });
    // Read from the browser pool at each scrape: the restarts happen there (MemoryBoundDriver), not in a run's result.
    new Counter({
      name: "smt_browser_memory_restarts_total",
      help: "Restarts of a browser kind for its memory bound (--browser.memory-limit) since the exporter started; a series per browser kind in use.",
      labelNames: [BROWSER_LABEL],
      registers,
      collect() {
        this.reset();
        for (const [browser, restarts] of browserMemoryRestartCounts()) this.inc({ [BROWSER_LABEL]: browser }, restarts);
      },
    });
    this.checkInfo = new Gauge({
      name: CHECK_INFO_METRIC,
      help: `The check's settings that the rules read; the value is always 1. ${COUNTS_FOR_AVAILABILITY_LABEL}="false": its failures do not count for its service's availability.`,
      labelNames: [...LABELS, COUNTS_FOR_AVAILABILITY_LABEL],
      registers,
    });
    this.skipped = new Counter({
      name: "smt_probe_skipped_total",
      help: "Scheduled runs skipped because the previous run of the check was still going or the scheduler fell behind.",
      labelNames: l,
      registers,
    });
    this.startLag = new Histogram({
      name: "smt_scheduler_start_lag_seconds",
      help: "Delay between a run's scheduled time and its start (waiting for a concurrency slot, event-loop lag).",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.reloadSuccessful = new Gauge({
      name: "smt_exporter_config_last_reload_successful",
      help: "Whether the last configuration load or reload succeeded.",
      registers,
    });
    this.reloadTimestamp = new Gauge({
      name: "smt_exporter_config_last_reload_success_timestamp_seconds",
      help: "Unix time of the last successful configuration load or reload.",
      registers,
    });
    const buildInfo = new Gauge({
      name: "smt_exporter_build_info",
      help: "Build information; the value is always 1.",
      labelNames: ["version", "nodejs_version"],
      registers,
    });
    buildInfo.labels({ version: VERSION, nodejs_version: process.version }).set(1);
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITOR_RESOLUTION_MS });
  }

  /** Makes the check's series exist from the start (counters at 0), so rate() and absent() behave. */
  addCheck(check: ResolvedCheck, location: string): void {
    const labels: Labels = { service: check.service, check: check.name, location };
    if (check.kind === "browser") labels[BROWSER_LABEL] = check.browser.browser;
    const phases = phasesOf(check);
    const known: KnownCheck = {
      labels,
      phases,
      phaseLabels: phases.map((phase) => ({ ...labels, phase })),
      resultLabels: { success: { ...labels, result: "success" }, failure: { ...labels, result: "failure" } },
      reasons: new Set(),
      outageMessage: check.kind === "http" && check.http.outage_message !== undefined,
      statusFeed: check.kind === "status_feed",
      stateLabels: check.kind === "status_feed" ? STATUS_FEED_STATES.map((state) => ({ ...labels, state })) : [],
      infoLabels: { service: check.service, check: check.name, location, [COUNTS_FOR_AVAILABILITY_LABEL]: String(check.countsForAvailability) },
    };
    // A reload that drops outage_message from a check drops its gauge (the other series keep their meaning).
    const before = this.known.get(check.name);
    if (before?.outageMessage && !known.outageMessage) this.outageMessageShown.remove(before.labels);
    // A reload that changes counts_for_availability replaces the info series (one per check and location).
    if (before) this.checkInfo.remove(before.infoLabels);
    this.checkInfo.set(known.infoLabels, 1);
    this.known.set(check.name, known);
    this.runs.inc(known.resultLabels.success, 0);
    this.runs.inc(known.resultLabels.failure, 0);
    this.skipped.labels(labels).inc(0);
  }

  /** Drops every series of a check that left the config. */
  removeCheck(name: string): void {
    const known = this.known.get(name);
    if (!known) return;
    this.known.delete(name);
    const { labels } = known;
    // prom-client removes exact label sets only, so every extra label value used is named.
    for (const metric of [
      this.success,
      this.duration,
      this.lastRun,
      this.lastSuccess,
      this.certNotAfter,
      this.newestFile,
      this.outageMessageShown,
      this.skipped,
    ]) {
      metric.remove(labels);
    }
    for (const phase of known.phases) this.phaseDuration.remove({ ...labels, phase });
    for (const result of ["success", "failure"]) this.runs.remove({ ...labels, result });
    for (const reason of known.reasons) this.failures.remove({ ...labels, reason });
    for (const state of known.stateLabels) this.feedState.remove(state);
    this.checkInfo.remove(known.infoLabels);
  }

  record(name: string, result: ProbeResult, finishedAtMs: number): void {
    const known = this.known.get(name);
    if (!known) return; // removed while it ran
    const labels = known.labels;
    const finished = finishedAtMs / 1000;
    if (known.statusFeed && result.feedStatus === undefined) {
      // A feed that could not be read (or answered nonsense) says nothing about the service: no
      // success sample, so the minute is unmeasured unless another check measured it (docs/metrics.md).
      this.success.remove(labels);
      for (const state of known.stateLabels) this.feedState.remove(state);
    } else {
      this.success.set(labels, result.success ? 1 : 0);
      for (const state of known.stateLabels) this.feedState.set(state, state.state === result.feedStatus?.state ? 1 : 0);
    }
    this.duration.set(labels, result.durationSeconds);
    for (let i = 0; i < known.phases.length; i++) {
      this.phaseDuration.set(known.phaseLabels[i]!, result.phases[known.phases[i]!] ?? 0);
    }
    this.runs.inc(result.success ? known.resultLabels.success : known.resultLabels.failure);
    if (result.failure) {
      known.reasons.add(result.failure.reason);
      this.failures.inc({ ...labels, reason: result.failure.reason });
    }
    this.lastRun.set(labels, finished);
    if (result.success) this.lastSuccess.set(labels, finished);
    if (result.certNotAfter !== undefined) this.certNotAfter.set(labels, result.certNotAfter);
    if (result.newestFileTime !== undefined) this.newestFile.set(labels, result.newestFileTime);
    if (known.outageMessage) {
      // Absent while the homepage does not answer: the rules read "the homepage answers" from its presence.
      if (result.outageMessageShown === undefined) this.outageMessageShown.remove(labels);
      else this.outageMessageShown.set(labels, result.outageMessageShown ? 1 : 0);
    }
  }

  recordSkip(name: string): void {
    const known = this.known.get(name);
    if (known) this.skipped.inc(known.labels);
  }
}
