import type { Server } from "node:http";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { formatWarning } from "../config/errors.js";
import { loadConfigOffThread } from "../config/load-off-thread.js";
import { EventLoopSlices } from "../scheduler/event-loop-slices.js";
import type { Logger } from "../log/logger.js";
import { FixedRateScheduler, systemClock } from "../scheduler/fixed-rate-scheduler.js";
import type { ResolvedCheck } from "../config/load.js";
import { runCheck } from "../probes/run.js";
import { closeBrowsers, startBrowsers } from "../probes/browser-pool.js";
import { BROWSER_CLOSE_TIMEOUT_MS } from "../probes/browser-close.js";
import { ProbeMetrics } from "./probe-metrics.js";
import { MaintenanceMetrics } from "./maintenance-metrics.js";
import { createExporterApp, type CheckStatus } from "./http-api.js";
import { MarketDataExporter } from "./market-data.js";
import { serveWeb } from "../web/listen.js";
import { WebSecurity } from "../web/web-security.js";

export interface ExporterOptions {
  configFile: string;
  logger: Logger;
  /** Overrides the config's listen_address (e.g. from --web.listen-address). */
  listenAddress?: { host?: string; port: number };
  clock?: { now(): number; random(): number };
  /** --web.config.file: TLS, basic auth and headers for every endpoint (src/web/web-config.ts). */
  webConfigFile?: string;
  /** --web.enable-lifecycle: serve POST /-/reload and /-/quit (off: 403, as Prometheus). */
  enableLifecycle?: boolean;
  /** What POST /-/quit does (the CLI shuts the process down). */
  onQuit?: () => void;
  /** --data-dir: browser checks keep the screenshot and console log of their last failure under it. */
  dataDir?: string;
}

/** Latest result per check, for the landing page (declared beside the endpoints that show it). */
export type { CheckStatus };

/**
 * The exporter process: loads the config, runs the checks, serves /metrics. A reload (SIGHUP or
 * POST /-/reload) with a bad config keeps the old one running and sets the reload gauge to 0.
 */
export class Exporter {
  readonly metrics = new ProbeMetrics();
  /** The maintenance gauges, computed from the config's calendar at each scrape. */
  readonly maintenance: MaintenanceMetrics;
  readonly status = new Map<string, CheckStatus>();
  /** Energy-data checks and call-center / HAN figure sources (energy_data:, market_figures:). */
  readonly marketData: MarketDataExporter;
  private config?: LoadedConfig;
  /** The checks, each at its interval, at most max_concurrency at once. */
  private readonly scheduler: FixedRateScheduler<ResolvedCheck>;
  private server?: Server;
  private security?: WebSecurity;
  private ready = false;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly options: ExporterOptions) {
    this.maintenance = new MaintenanceMetrics(this.metrics.registry, () => (options.clock ?? Date).now());
    this.marketData = new MarketDataExporter(this.metrics.registry, options.logger, options.clock);
    const clock = options.clock ?? { now: Date.now, random: Math.random };
    const now = () => clock.now();
    this.scheduler = new FixedRateScheduler<ResolvedCheck>({
      maxConcurrency: 256,
      clock: systemClock({}, clock),
      run: async (check, signal, dueMs) => {
        this.metrics.startLag.observe(Math.max(0, now() - dueMs) / 1000);
        const result = await runCheck(check, { signal, now, ...(this.options.dataDir !== undefined ? { dataDir: this.options.dataDir } : {}) });
        if (signal.aborted) return; // removed by a reload, or stopping
        const finishedAt = now();
        this.metrics.record(check.name, result, finishedAt);
        this.status.set(check.name, { service: check.service, kind: check.kind, result, finishedAt });
        const fields = { check: check.name, service: check.service, success: result.success, duration_seconds: round(result.durationSeconds) };
        if (result.failure) options.logger.warn({ ...fields, reason: result.failure.reason, detail: result.failure.message }, "probe failed");
        else options.logger.debug(fields, "probe succeeded");
        // The probe's own trace (as `smt-monitor probe` prints it), for debugging.
        options.logger.debug({ check: check.name, phases: result.phases, log: result.log }, "probe trace");
      },
      onSkip: (check) => {
        this.metrics.recordSkip(check.name);
        options.logger.warn({ check: check.name }, "run skipped: previous run still going or scheduler behind");
      },
      onError: (check, error) => options.logger.error({ check: check.name, error: String(error) }, "bug: a check run threw"),
    });
  }

  /** Runs every check once now, outside its rhythm (tests that move the clock; see FixedRateScheduler.runNow). */
  async runChecksNow(): Promise<void> {
    await this.scheduler.runAll();
  }

  get isReady(): boolean {
    return this.ready;
  }

  get location(): string {
    return this.config?.location ?? "";
  }

  /** Loads the config for the first time; throws ConfigError when it is bad. */
  async start(): Promise<{ host?: string; port: number }> {
    const config = loadConfig(this.options.configFile);
    this.security = WebSecurity.fromFile(this.options.webConfigFile);
    await this.apply(config);
    const listen = this.options.listenAddress ?? config.listen;
    const app = createExporterApp(this, {
      lifecycle: this.options.enableLifecycle ?? false,
      security: this.security,
      onQuit: this.options.onQuit,
      ...(this.options.dataDir !== undefined ? { dataDir: this.options.dataDir } : {}),
    });
    let port: number;
    try {
      ({ server: this.server, port } = await serveWeb(app, listen, this.security));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.ready = true;
    this.options.logger.info(
      {
        address: `${listen.host ?? "0.0.0.0"}:${port}`,
        tls: Boolean(this.security?.config.tls),
        basic_auth: (this.security?.config.users.size ?? 0) > 0,
        lifecycle: this.options.enableLifecycle ?? false,
        checks: config.checks.length,
        location: config.location,
      },
      "exporter listening",
    );
    return { host: listen.host, port };
  }

  /**
   * Re-reads the config file without blocking the endpoints (the file is parsed off the main
   * thread: src/config/load-off-thread.ts). Reloads run one after another, each reading the file
   * anew. Returns the error text when the new config is rejected.
   */
  reload(): Promise<{ ok: true } | { ok: false; error: string }> {
    const next = this.reloading.then(() => this.reloadNow());
    this.reloading = next.then(() => undefined);
    return next;
  }

  private async reloadNow(): Promise<{ ok: true } | { ok: false; error: string }> {
    const web = this.security?.reload();
    if (web && !web.ok) {
      this.metrics.reloadSuccessful.set(0);
      this.options.logger.error({ error: web.error }, "web config reload failed; keeping the previous web config and configuration");
      return web;
    }
    try {
      const config = await loadConfigOffThread(this.options.configFile);
      if (this.config && (config.listen.port !== this.config.listen.port || config.listen.host !== this.config.listen.host)) {
        this.options.logger.warn("listen_address changed: it takes effect at the next restart");
      }
      await this.apply(config);
      this.options.logger.info({ checks: config.checks.length }, "configuration reloaded");
      return { ok: true };
    } catch (err) {
      this.metrics.reloadSuccessful.set(0);
      const error = (err as Error).message;
      this.options.logger.error({ error }, "configuration reload failed; keeping the previous configuration");
      return { ok: false, error };
    }
  }

  /** Puts a config in force; per-check work runs in short slices, so the endpoints keep answering. */
  private async apply(config: LoadedConfig): Promise<void> {
    // Browsers start before the checks that use them are scheduled (a start is not charged to a check's timeout).
    await startBrowsers(config.checks.flatMap((c) => (c.kind === "browser" ? [c.browser] : [])));
    const slices = new EventLoopSlices();
    const previous = this.config;
    const byName = new Map(config.checks.map((c) => [c.name, c]));
    for (const old of previous?.checks ?? []) {
      const replaced = byName.get(old.name);
      // Labels or phases may differ: start the check's series afresh.
      if (!replaced || replaced.service !== old.service || config.location !== previous?.location || replaced?.kind !== old.kind) {
        this.metrics.removeCheck(old.name);
        this.status.delete(old.name);
      }
      await slices.pause();
    }
    for (const check of config.checks) {
      this.metrics.addCheck(check, config.location);
      if (!this.status.has(check.name)) this.status.set(check.name, { service: check.service, kind: check.kind });
      await slices.pause();
    }
    this.scheduler.set(config.checks);
    this.scheduler.setMaxConcurrency(config.maxConcurrency);
    this.maintenance.setMaintenance(config.raw.maintenance);
    this.marketData.apply(config);
    for (const warning of config.warnings) this.options.logger.warn({ warning: formatWarning(config.file, warning) }, "configuration warning");
    this.config = config;
    this.metrics.reloadSuccessful.set(1);
    this.metrics.reloadTimestamp.set(Date.now() / 1000);
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.scheduler.stop();
    await this.marketData.stop();
    for (const browser of await closeBrowsers()) {
      this.options.logger.warn({ browser, timeout_seconds: BROWSER_CLOSE_TIMEOUT_MS / 1000 }, "browser did not close in time: killed");
    }
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
