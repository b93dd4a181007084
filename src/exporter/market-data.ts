import type { Registry } from "prom-client";
import type { LoadedConfig } from "../config/load.js";
import type { ResolvedDataCheck, ResolvedFigureSource, ResolvedMarketFigures } from "../config/market-data-load.js";
import { formatCivilDate } from "../energy-data/delivery-deadline.js";
import { runDataCheck, type DataCheckResult } from "../energy-data/run-data-check.js";
import type { Logger } from "../log/logger.js";
import { readSourceText, SourceReadError, sourceFigures } from "../market-figures/figure-source.js";
import { secretRedactor } from "../secrets/redactor.js";
import { FixedRateScheduler, systemClock } from "../scheduler/fixed-rate-scheduler.js";
import { EnergyDataMetrics } from "./energy-data-metrics.js";
import { MarketFiguresMetrics } from "./market-figures-metrics.js";
import { armTimer } from "../scheduler/timer.js";

/** How many bad rows of a source are written to the log per read (all are counted in smt_figures_rows). */
const LOGGED_PROBLEMS = 20;

export interface DataCheckStatus {
  service: string;
  result?: DataCheckResult;
  finishedAt?: number;
}

/** An energy-data check or a figure source, run by the scheduler. */
interface PeriodicTask {
  /** "data:<check>" or "figures:<source>". */
  name: string;
  intervalMs: number;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * The exporter's energy-data checks and figure sources: scheduled apart from the probes (every
 * 15 and 5 minutes by default), exported as smt_data_*, smt_call_center_tickets, smt_han_devices
 * and smt_figures_*.
 */
export class MarketDataExporter {
  readonly energyData: EnergyDataMetrics;
  readonly figures: MarketFiguresMetrics;
  readonly dataStatus = new Map<string, DataCheckStatus>();
  /** No concurrency limit: a few slow tasks; unref'd timers (they do not keep the process alive). */
  private readonly tasks: FixedRateScheduler<PeriodicTask>;
  /** The bad rows last logged per source, so an unchanged feed is not logged at warn every read. */
  private readonly loggedProblems = new Map<string, string>();

  constructor(
    registry: Registry,
    private readonly logger: Logger,
    private readonly clock: { now(): number; random(): number } = { now: Date.now, random: Math.random },
  ) {
    this.energyData = new EnergyDataMetrics(registry, () => clock.now());
    this.figures = new MarketFiguresMetrics(registry);
    this.tasks = new FixedRateScheduler<PeriodicTask>({
      clock: systemClock({ unref: true }, clock),
      run: (task, signal) => task.run(signal),
      onError: (task, error) => logger.error({ task: task.name, error: secretRedactor.redact(String(error)) }, "bug: a periodic task threw"),
    });
  }

  apply(config: LoadedConfig): void {
    const ed = config.marketData.energyData;
    const mf = config.marketData.marketFigures;
    const checks = ed?.checks ?? [];
    this.energyData.setChecks(
      checks,
      config.location,
      ed?.deadlines ?? { gui: { days_after: 2, at: "06:00" }, api: { days_after: 2, at: "06:00" }, ftps: { days_after: 1, at: "23:00" } },
    );
    this.figures.setSources(mf?.sources ?? []);
    for (const name of this.dataStatus.keys()) if (!checks.some((c) => c.name === name)) this.dataStatus.delete(name);
    const tasks: PeriodicTask[] = [
      ...checks.map((check) => ({
        name: `data:${check.name}`,
        intervalMs: check.intervalMs,
        run: (signal: AbortSignal) => this.runCheck(check, ed!.canaryEsiids, signal),
      })),
      ...(mf?.sources ?? []).map((source) => ({
        name: `figures:${source.name}`,
        intervalMs: mf!.intervalMs,
        run: (signal: AbortSignal) => this.readSource(source, mf!, signal),
      })),
    ];
    this.tasks.set(tasks);
  }

  /** Runs every energy-data check and figure source once now (tests, and after a clock change). */
  async runAllNow(): Promise<void> {
    await this.tasks.runAll();
  }

  async stop(): Promise<void> {
    await this.tasks.stop();
  }

  private async runCheck(check: ResolvedDataCheck, canaries: string[], signal: AbortSignal): Promise<void> {
    const result = await runDataCheck(check, canaries, { now: () => this.clock.now(), signal });
    if (signal.aborted && result.failure?.reason === "timeout" && result.durationSeconds * 1000 < check.timeoutMs) return; // stopped or reloaded away
    const finishedAt = this.clock.now();
    this.energyData.record(check.name, result, finishedAt);
    this.dataStatus.set(check.name, { service: check.service, result, finishedAt });
    const fields = { check: check.name, service: check.service, duration_seconds: Math.round(result.durationSeconds * 1000) / 1000 };
    if (result.failure) {
      this.logger.warn({ ...fields, reason: result.failure.reason, detail: result.failure.message }, "energy-data check failed");
    } else {
      const o = result.observation!;
      this.logger.debug(
        { ...fields, latest_usage_day: o.latestDay ? formatCivilDate(o.latestDay) : null, quality: o.quality?.figures ?? null, days_seen: o.daysSeen },
        "energy-data check succeeded",
      );
    }
    this.logger.debug({ check: check.name, log: result.log }, "energy-data check trace");
  }

  private async readSource(source: ResolvedFigureSource, mf: ResolvedMarketFigures, signal: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const timer = armTimer(mf.timeoutMs, () => controller.abort());
    const onAbort = () => controller.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const log: string[] = [];
    try {
      const text = await readSourceText(source, { signal: controller.signal, phases: {}, facts: {}, note: (l) => log.push(l), now: () => this.clock.now() });
      const figures = sourceFigures(source, text, mf.tdspPrefixes);
      this.figures.recordSuccess(source.name, figures, this.clock.now(), mf.months);
      const shown = figures.problems.slice(0, LOGGED_PROBLEMS).map((p) => `${figures.origin}:${p.line}: ${p.message}`);
      const key = shown.join("\n");
      const fields = { source: source.name, figure: source.figure, accepted_rows: figures.accepted, malformed_rows: figures.problems.length };
      if (figures.problems.length > 0 && this.loggedProblems.get(source.name) !== key) {
        this.logger.warn({ ...fields, problems: shown }, "figure source has malformed rows; they were not counted");
      } else {
        this.logger.debug(fields, "figure source read");
      }
      this.loggedProblems.set(source.name, key);
    } catch (err) {
      if (signal.aborted) return;
      this.figures.recordFailure(source.name);
      const message = controller.signal.aborted
        ? `timed out after ${mf.timeoutMs / 1000} s`
        : err instanceof SourceReadError
          ? err.message
          : `unexpected error: ${(err as Error).message}`;
      this.logger.error(
        { source: source.name, figure: source.figure, error: secretRedactor.redact(message) },
        "figure source not read; keeping the previous figures",
      );
      this.loggedProblems.delete(source.name);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }
}
