import { Counter, Gauge, type Registry } from "prom-client";
import type { ResolvedDataCheck } from "../config/market-data-load.js";
import {
  deliveryDeadline,
  expectedUsageDay,
  nextDeliveryDeadline,
  usageDayStart,
  type DataService,
  type DeliveryDeadline,
} from "../energy-data/delivery-deadline.js";
import { QUALITY_FIGURES, type IntervalQuality } from "../energy-data/interval-quality.js";
import { QUALITY_METER_FIGURES, QUALITY_METERS_METRIC } from "./energy-data-metric-names.js";
import type { DataCheckResult } from "../energy-data/run-data-check.js";

const LABELS = ["service", "check", "location"] as const;

/** A canary meter's day fails the quality checks with a missing, duplicate or negative interval (estimated ones are allowed). */
const meterFailed = (q: IntervalQuality) => q.missing + q.duplicate + q.negative > 0;
type Labels = Record<(typeof LABELS)[number], string>;

interface KnownCheck {
  labels: Labels;
  deadline: DeliveryDeadline;
  hasRun: boolean;
  reasons: Set<string>;
}

/**
 * The energy-data series (docs/metrics.md, "Energy data"): time to market and data quality per
 * energy-data check. The expected usage day and the next deadline are computed from the exporter's
 * clock at each scrape (Central time, DST-aware), so SMTDataDeliveryLate needs no time arithmetic in
 * PromQL. None of these series counts towards availability.
 */
export class EnergyDataMetrics {
  private readonly success: Gauge;
  private readonly duration: Gauge;
  private readonly lastRun: Gauge;
  private readonly failures: Counter;
  private readonly latestDay: Gauge;
  private readonly expectedDay: Gauge;
  private readonly expectedDeadline: Gauge;
  private readonly nextDeadline: Gauge;
  private readonly qualityDay: Gauge;
  private readonly quality: Gauge;
  private readonly qualityMeters: Gauge;
  private readonly known = new Map<string, KnownCheck>();

  constructor(registry: Registry, now: () => number) {
    const registers = [registry];
    const labelNames = [...LABELS];
    this.success = new Gauge({
      name: "smt_data_check_success",
      help: "Whether the latest run of the energy-data check could read the data (1) or not (0).",
      labelNames,
      registers,
    });
    this.duration = new Gauge({
      name: "smt_data_check_duration_seconds",
      help: "Duration of the latest run of the energy-data check, in seconds.",
      labelNames,
      registers,
    });
    this.lastRun = new Gauge({
      name: "smt_data_check_last_run_timestamp_seconds",
      help: "Unix time at which the latest run of the energy-data check finished.",
      labelNames,
      registers,
    });
    this.failures = new Counter({
      name: "smt_data_check_failures_total",
      help: "Failed runs of the energy-data check, by reason (the probes' reasons and bad_data).",
      labelNames: [...labelNames, "reason"],
      registers,
    });
    this.latestDay = new Gauge({
      name: "smt_data_latest_usage_day_timestamp_seconds",
      help: "Start (00:00 Central) of the newest usage day that every canary ESIID has, as seen by the latest successful run; absent when that run found none.",
      labelNames,
      registers,
    });
    this.expectedDay = new Gauge({
      name: "smt_data_expected_usage_day_timestamp_seconds",
      help: "Start (00:00 Central) of the newest usage day whose delivery deadline has passed (computed at scrape time); present once the check has run.",
      labelNames,
      registers,
      collect: () => {
        this.expectedDay.reset();
        const t = now();
        for (const c of this.known.values()) if (c.hasRun) this.expectedDay.labels(c.labels).set(usageDayStart(expectedUsageDay(t, c.deadline)) / 1000);
      },
    });
    this.expectedDeadline = new Gauge({
      name: "smt_data_expected_usage_day_deadline_timestamp_seconds",
      help: "Unix time of the delivery deadline (passed) of the usage day in smt_data_expected_usage_day_timestamp_seconds (computed at scrape time); present once the check has run.",
      labelNames,
      registers,
      collect: () => {
        this.expectedDeadline.reset();
        const t = now();
        for (const c of this.known.values())
          if (c.hasRun) this.expectedDeadline.labels(c.labels).set(deliveryDeadline(expectedUsageDay(t, c.deadline), c.deadline) / 1000);
      },
    });
    this.nextDeadline = new Gauge({
      name: "smt_data_next_deadline_timestamp_seconds",
      help: "Unix time of the next delivery deadline of the check's service (computed at scrape time).",
      labelNames,
      registers,
      collect: () => {
        this.nextDeadline.reset();
        const t = now();
        for (const c of this.known.values()) this.nextDeadline.labels(c.labels).set(nextDeliveryDeadline(t, c.deadline) / 1000);
      },
    });
    this.qualityDay = new Gauge({
      name: "smt_data_quality_usage_day_timestamp_seconds",
      help: "Start (00:00 Central) of the usage day the smt_data_quality_intervals figures describe.",
      labelNames,
      registers,
    });
    this.quality = new Gauge({
      name: "smt_data_quality_intervals",
      help: "15-minute intervals of the canary ESIIDs on the quality usage day, by figure: expected, received, missing, duplicate, negative, estimated.",
      labelNames: [...labelNames, "figure"],
      registers,
    });
    this.qualityMeters = new Gauge({
      name: QUALITY_METERS_METRIC,
      help: "Canary ESIIDs (meters) on the quality usage day, by figure: checked, and failed (at least one missing, duplicate or negative interval).",
      labelNames: [...labelNames, "figure"],
      registers,
    });
  }

  /** The checks of the config; series of checks that left (or changed service or location) are removed. */
  setChecks(checks: readonly ResolvedDataCheck[], location: string, deadlines: Readonly<Record<DataService, DeliveryDeadline>>): void {
    const wanted = new Map(checks.map((c) => [c.name, { service: c.service, check: c.name, location } satisfies Labels]));
    for (const [name, known] of this.known) {
      const next = wanted.get(name);
      if (!next || next.service !== known.labels.service || next.location !== known.labels.location) this.remove(name);
    }
    for (const c of checks) {
      const existing = this.known.get(c.name);
      if (existing) existing.deadline = deadlines[c.service];
      else this.known.set(c.name, { labels: wanted.get(c.name)!, deadline: deadlines[c.service], hasRun: false, reasons: new Set() });
    }
  }

  record(name: string, result: DataCheckResult, finishedAtMs: number): void {
    const known = this.known.get(name);
    if (!known) return;
    const labels = known.labels;
    known.hasRun = true;
    this.success.labels(labels).set(result.success ? 1 : 0);
    this.duration.labels(labels).set(result.durationSeconds);
    this.lastRun.labels(labels).set(finishedAtMs / 1000);
    if (result.failure) {
      known.reasons.add(result.failure.reason);
      this.failures.labels({ ...labels, reason: result.failure.reason }).inc();
      return; // what was seen before stays: a failed run learns nothing about the data
    }
    const o = result.observation;
    if (o?.latestDay) this.latestDay.labels(labels).set(usageDayStart(o.latestDay) / 1000);
    else this.latestDay.remove(labels);
    if (o?.quality) {
      this.qualityDay.labels(labels).set(usageDayStart(o.quality.day) / 1000);
      for (const figure of QUALITY_FIGURES) this.quality.labels({ ...labels, figure }).set(o.quality.figures[figure]);
      const meters = [...o.quality.byEsiid.values()];
      this.qualityMeters.labels({ ...labels, figure: "checked" }).set(meters.length);
      this.qualityMeters.labels({ ...labels, figure: "failed" }).set(meters.filter(meterFailed).length);
    } else {
      this.qualityDay.remove(labels);
      for (const figure of QUALITY_FIGURES) this.quality.remove({ ...labels, figure });
      for (const figure of QUALITY_METER_FIGURES) this.qualityMeters.remove({ ...labels, figure });
    }
  }

  private remove(name: string): void {
    const known = this.known.get(name);
    if (!known) return;
    this.known.delete(name);
    const { labels } = known;
    for (const g of [this.success, this.duration, this.lastRun, this.latestDay, this.qualityDay]) g.remove(labels);
    for (const figure of QUALITY_FIGURES) this.quality.remove({ ...labels, figure });
    for (const figure of QUALITY_METER_FIGURES) this.qualityMeters.remove({ ...labels, figure });
    for (const reason of known.reasons) this.failures.remove({ ...labels, reason });
  }
}
