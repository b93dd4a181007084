import { closeSync, openSync, writeSync } from "node:fs";
import { DateTime } from "luxon";
import type { Service } from "../../src/config/services.js";

/**
 * A synthetic stretch of exporter series (what Prometheus would have scraped) for backfilling with
 * `promtool tsdb create-blocks-from openmetrics`, and the ground truth of every minute computed
 * straight from the generated samples and the maintenance window list, without PromQL: this is the
 * independent side of the report's accuracy test. Deterministic for a given seed.
 */

const MINUTE = 60_000;
const SCRAPE = 15_000;
const ZONE = "America/Chicago";

export interface SyntheticLocation {
  name: string;
  /** Offset of its scrapes inside each 15 s (ms): 0 puts samples exactly on minute starts. */
  phaseMs: number;
}
export interface SyntheticCheck {
  name: string;
  service: Service;
  locations: string[];
}
export interface Interval {
  fromMs: number;
  toMs: number;
}
export interface SyntheticSchedule {
  fromMs: number;
  toMs: number;
  locations: SyntheticLocation[];
  checks: SyntheticCheck[];
  /** The maintenance the availability excludes (maintenance.exclude) per service, merged, sorted. */
  windows: Record<Service, Interval[]>;
  /** Reserved windows (the recurring calendar) per service, merged, sorted. */
  reserved: Record<Service, Interval[]>;
  /** Planned (announced) maintenance per service, merged, sorted. */
  planned: Record<Service, Interval[]>;
  /** The policy the gauge exporters apply: `windows` is `planned`, or `reserved` and `planned` merged. */
  exclude: "announced" | "reserved";
  /** Exporters that export the window gauges (every 4th scrape, i.e. once a minute). */
  gaugeExporters: string[];
  /** When an exporter serves nothing (down or not scraped). */
  exporterDown: Record<string, Interval[]>;
  /** When a check fails at a location, per "check@location". */
  failures: Record<string, Interval[]>;
}

export type MinuteState = "maintenance" | "unmeasured" | "unavailable" | "available";
const STATE_CODES: MinuteState[] = ["available", "unavailable", "unmeasured", "maintenance"];

export interface GroundTruth {
  /** Counts of the minutes starting in [fromMs, toMs) per service and state. */
  count(service: Service, fromMs: number, toMs: number): Record<MinuteState, number>;
  /** Minutes starting in [fromMs, toMs) inside reserved windows, and those of them covered by planned maintenance. */
  reservedCount(service: Service, fromMs: number, toMs: number): { reserved: number; announced: number };
  state(service: Service, minuteStartMs: number): MinuteState;
}

export const SERVICES_IN_ORDER: Service[] = ["gui", "api", "ftps", "han", "call_center"];

/** A PRNG (mulberry32) so that the month is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const central = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.fromMs - b.fromMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, i.toMs);
    else out.push({ ...i });
  }
  return out;
}

/**
 * March 2026 in Central time (DST starts Sunday March 8) with a few days around it: Saturday windows
 * 02:00-12:00 for every service, a one-off HAN window across the DST change, one across midnight,
 * exporters down inside and across windows and the DST change, outages across the month's start and
 * end and across window edges, and random outages at all or some locations. The call center is
 * probed too (its status feed, at two locations): staffed 24x7, it has no reserved window and no
 * planned maintenance, and it is down for 40 minutes on Saturday March 21 from 03:00 CDT, inside the
 * other services' reserved window.
 */
export function syntheticMarch2026(seed = 20260301, exclude: "announced" | "reserved" = "reserved"): SyntheticSchedule {
  const rnd = random(seed);
  const fromMs = central("2026-02-26T00:00");
  const toMs = central("2026-04-01T02:00");
  const locations: SyntheticLocation[] = [
    { name: "austin", phaseMs: 3_217 },
    { name: "dallas", phaseMs: 14_999 },
    { name: "houston", phaseMs: 0 },
  ];
  const checks: SyntheticCheck[] = [
    { name: "gui_home", service: "gui", locations: ["austin", "dallas", "houston"] },
    { name: "api_token", service: "api", locations: ["austin", "dallas", "houston"] },
    { name: "api_reads", service: "api", locations: ["austin", "dallas", "houston"] },
    { name: "ftps_files", service: "ftps", locations: ["austin", "dallas"] },
    { name: "han_status", service: "han", locations: ["houston"] },
    // last, so that the random draws of the checks above are the same as without it
    { name: "call_center_phone_system", service: "call_center", locations: ["austin", "dallas"] },
  ];

  const windows = {} as Record<Service, Interval[]>;
  const reserved = {} as Record<Service, Interval[]>;
  const planned = {} as Record<Service, Interval[]>;
  for (const service of SERVICES_IN_ORDER) {
    const saturdays: Interval[] = [];
    // the call center has no reserved window (docs/maintenance.md)
    for (const day of service === "call_center" ? [] : ["2026-02-28", "2026-03-07", "2026-03-14", "2026-03-21", "2026-03-28", "2026-04-04"]) {
      saturdays.push({ fromMs: central(`${day}T02:00`), toMs: central(`${day}T12:00`) });
    }
    const oneOff: Interval[] = [];
    if (service === "han") oneOff.push({ fromMs: central("2026-03-08T01:00"), toMs: central("2026-03-08T04:00") }); // 2 h: 01:00 CST to 04:00 CDT
    if (service === "api") oneOff.push({ fromMs: central("2026-03-18T22:30"), toMs: central("2026-03-19T00:45") });
    // announced maintenance inside a reserved window, and one across its end
    if (service === "gui" || service === "api") oneOff.push({ fromMs: central("2026-03-21T03:00"), toMs: central("2026-03-21T06:30") });
    if (service === "ftps") oneOff.push({ fromMs: central("2026-03-07T11:00"), toMs: central("2026-03-07T13:00") });
    reserved[service] = merge(saturdays);
    planned[service] = merge(oneOff);
    windows[service] = merge(exclude === "reserved" ? [...saturdays, ...oneOff] : oneOff);
  }

  const exporterDown: Record<string, Interval[]> = { austin: [], dallas: [], houston: [] };
  const allDown = (from: string, to: string) => {
    for (const l of locations) exporterDown[l.name]!.push({ fromMs: central(from), toMs: central(to) });
  };
  allDown("2026-03-14T04:00", "2026-03-14T07:30"); // inside a window: still maintenance
  allDown("2026-03-10T13:17:40.250", "2026-03-10T13:55:05"); // unmeasured, partial minutes at both ends
  allDown("2026-03-21T01:50", "2026-03-21T02:20"); // across a window's start
  allDown("2026-03-28T11:40", "2026-03-28T12:10"); // across a window's end
  for (const l of locations) exporterDown[l.name]!.push({ fromMs: Date.UTC(2026, 2, 8, 7, 30), toMs: Date.UTC(2026, 2, 8, 8, 30) }); // 01:30 CST - 03:30 CDT
  exporterDown.austin!.push({ fromMs: central("2026-03-03T00:00"), toMs: central("2026-03-04T06:00") });
  exporterDown.houston!.push({ fromMs: central("2026-03-20T09:00"), toMs: central("2026-03-20T11:00") });
  for (let i = 0; i < 12; i++) {
    // short random gaps of single exporters (a few missed scrapes up to several minutes)
    const l = locations[Math.floor(rnd() * locations.length)]!.name;
    const start = fromMs + rnd() * (toMs - fromMs);
    exporterDown[l]!.push({ fromMs: Math.round(start), toMs: Math.round(start + 10_000 + rnd() * 600_000) });
  }
  for (const l of Object.keys(exporterDown)) exporterDown[l] = merge(exporterDown[l]!);

  const failures: Record<string, Interval[]> = {};
  const fail = (check: SyntheticCheck, location: string, from: number, to: number) => {
    (failures[`${check.name}@${location}`] ??= []).push({ fromMs: Math.round(from), toMs: Math.round(to) });
  };
  const everywhere = (check: SyntheticCheck, from: number, to: number, jitterMs = 0) => {
    for (const l of check.locations) fail(check, l, from + (rnd() - 0.5) * jitterMs, to + (rnd() - 0.5) * jitterMs);
  };
  const byName = (n: string) => checks.find((c) => c.name === n)!;
  everywhere(byName("gui_home"), central("2026-02-28T23:50:30"), central("2026-03-01T00:20:10")); // across the month's start
  everywhere(byName("api_reads"), central("2026-03-31T23:45"), central("2026-04-01T00:15")); // across the month's end
  everywhere(byName("ftps_files"), central("2026-03-07T01:40"), central("2026-03-07T02:30")); // across a window's start
  everywhere(byName("ftps_files"), central("2026-03-07T11:30"), central("2026-03-07T12:25")); // across its end
  everywhere(byName("han_status"), Date.UTC(2026, 2, 8, 6, 50), Date.UTC(2026, 2, 8, 9, 20)); // around the DST window
  everywhere(byName("gui_home"), Date.UTC(2026, 2, 8, 7, 55), Date.UTC(2026, 2, 8, 8, 40)); // gui across the DST change
  // inside the other services' reserved window (no random jitter: the draws of the outages below stay the same)
  for (const l of byName("call_center_phone_system").locations)
    fail(byName("call_center_phone_system"), l, central("2026-03-21T03:00:20"), central("2026-03-21T03:40:10"));
  // one failed run seen at exactly a minute's first millisecond (houston scrapes on :00.000)
  fail(byName("gui_home"), "houston", central("2026-03-12T09:15:00"), central("2026-03-12T09:15:00.001"));
  fail(byName("gui_home"), "dallas", central("2026-03-12T09:15:59.999"), central("2026-03-12T09:16:00"));
  fail(byName("gui_home"), "dallas", central("2026-03-12T09:14:59.999"), central("2026-03-12T09:15:00"));

  const lengthMs = () => {
    const r = rnd();
    if (r < 0.3) return 5_000 + rnd() * 85_000;
    if (r < 0.7) return 60_000 + rnd() * 19 * MINUTE;
    return 20 * MINUTE + rnd() * 100 * MINUTE;
  };
  for (const check of checks) {
    const outages = check.service === "call_center" ? 0 : check.service === "han" || check.service === "ftps" ? 2 : 25;
    for (let i = 0; i < outages; i++) {
      const start = fromMs + rnd() * (toMs - fromMs);
      everywhere(check, start, start + lengthMs(), 40_000);
    }
    for (const l of check.locations) {
      for (let i = 0; i < 30; i++) {
        const start = fromMs + rnd() * (toMs - fromMs);
        fail(check, l, start, start + lengthMs() / 2);
      }
    }
  }
  for (const k of Object.keys(failures)) failures[k] = merge(failures[k]!);

  return { fromMs, toMs, locations, checks, windows, reserved, planned, exclude, gaugeExporters: ["austin", "dallas"], exporterDown, failures };
}

/** A cursor over sorted, merged intervals for increasing instants. */
class IntervalCursor {
  private i = 0;
  constructor(private readonly list: Interval[]) {}
  contains(t: number): boolean {
    while (this.i < this.list.length && this.list[this.i]!.toMs <= t) this.i++;
    const cur = this.list[this.i];
    return cur !== undefined && cur.fromMs <= t;
  }
  /** The interval containing t, else the next one after t. */
  currentOrNext(t: number): Interval | undefined {
    while (this.i < this.list.length && this.list[this.i]!.toMs <= t) this.i++;
    return this.list[this.i];
  }
}

/**
 * Writes the schedule's samples as OpenMetrics to path and returns the ground truth. Series:
 * smt_probe_success{service,check,location,job,instance} every 15 s per exporter, and
 * smt_maintenance_window_{start,end}_timestamp_seconds{service,job,instance} (current window, else
 * the next) once a minute from the gauge exporters; the first gauge exporter also exports the
 * reserved and planned windows apart and smt_maintenance_exclude_policy{policy}.
 */
export function writeSyntheticOpenMetrics(schedule: SyntheticSchedule, path: string): { samples: number; truth: GroundTruth } {
  return generate(schedule, path);
}

/**
 * The ground truth of the schedule alone, without writing its samples: for a test that reads a
 * backfill another file built (test/support/backfilled-month.ts). The same walk over the same
 * samples as writeSyntheticOpenMetrics, only the text is not formatted.
 */
export function syntheticGroundTruth(schedule: SyntheticSchedule): GroundTruth {
  return generate(schedule, undefined).truth;
}

function generate(schedule: SyntheticSchedule, path: string | undefined): { samples: number; truth: GroundTruth } {
  const fd = path === undefined ? undefined : openSync(path, "w");
  const writing = fd !== undefined;
  let buffer = "";
  let samples = 0;
  const flush = (force = false) => {
    if (fd !== undefined && (force || buffer.length > 1 << 20)) {
      writeSync(fd, buffer);
      buffer = "";
    }
  };
  const firstMinute = Math.floor(schedule.fromMs / MINUTE);
  const minutes = Math.ceil(schedule.toMs / MINUTE) - firstMinute;
  // per check and minute: bit per location reporting / failing
  const reporting = schedule.checks.map(() => new Uint8Array(minutes));
  const failing = schedule.checks.map(() => new Uint8Array(minutes));

  const perLocation = schedule.locations.map((loc, li) => {
    const instance = `${loc.name}:9910`;
    return {
      loc,
      down: new IntervalCursor(schedule.exporterDown[loc.name] ?? []),
      checks: schedule.checks
        .map((c, ci) => ({ c, ci }))
        .filter(({ c }) => c.locations.includes(loc.name))
        .map(({ c, ci }) => ({
          ci,
          bit: 1 << li,
          failing: new IntervalCursor(schedule.failures[`${c.name}@${loc.name}`] ?? []),
          series: `smt_probe_success{service="${c.service}",check="${c.name}",location="${loc.name}",job="smt-exporter",instance="${instance}"}`,
        })),
      gauges: schedule.gaugeExporters.includes(loc.name)
        ? SERVICES_IN_ORDER.flatMap((service) => [
            {
              windows: new IntervalCursor(schedule.windows[service]),
              start: `smt_maintenance_window_start_timestamp_seconds{service="${service}",job="smt-exporter",instance="${instance}"}`,
              end: `smt_maintenance_window_end_timestamp_seconds{service="${service}",job="smt-exporter",instance="${instance}"}`,
            },
            ...(loc.name === schedule.gaugeExporters[0]
              ? (["reserved", "planned"] as const).map((kind) => ({
                  windows: new IntervalCursor(schedule[kind][service]),
                  start: `smt_maintenance_${kind}_window_start_timestamp_seconds{service="${service}",job="smt-exporter",instance="${instance}"}`,
                  end: `smt_maintenance_${kind}_window_end_timestamp_seconds{service="${service}",job="smt-exporter",instance="${instance}"}`,
                }))
              : []),
          ])
        : [],
      policy:
        loc.name === schedule.gaugeExporters[0]
          ? `smt_maintenance_exclude_policy{policy="${schedule.exclude}",job="smt-exporter",instance="${instance}"}`
          : undefined,
    };
  });

  const ticks = Math.floor((schedule.toMs - schedule.fromMs) / SCRAPE);
  for (let k = 0; k < ticks; k++) {
    for (const l of perLocation) {
      const t = schedule.fromMs + k * SCRAPE + l.loc.phaseMs;
      if (t >= schedule.toMs || l.down.contains(t)) continue;
      const ts = writing ? (t / 1000).toFixed(3) : "";
      const minute = Math.floor(t / MINUTE) - firstMinute;
      for (const c of l.checks) {
        const failed = c.failing.contains(t);
        if (writing) buffer += `${c.series} ${failed ? 0 : 1} ${ts}\n`;
        samples++;
        reporting[c.ci]![minute]! |= c.bit;
        if (failed) failing[c.ci]![minute]! |= c.bit;
      }
      if (writing && k % 4 === 0) {
        if (l.policy) {
          buffer += `${l.policy} 1 ${ts}\n`;
          samples++;
        }
        for (const g of l.gauges) {
          const w = g.windows.currentOrNext(t);
          if (!w) continue;
          buffer += `${g.start} ${w.fromMs / 1000} ${ts}\n${g.end} ${w.toMs / 1000} ${ts}\n`;
          samples += 2;
        }
      }
      flush();
    }
  }
  buffer += "# EOF\n";
  flush(true);
  if (fd !== undefined) closeSync(fd);

  // Ground truth: maintenance from the window list; otherwise from the samples of each minute.
  const popcount = (x: number) => (x & 1) + ((x >> 1) & 1) + ((x >> 2) & 1);
  const states = new Map<Service, Uint8Array>();
  for (const service of SERVICES_IN_ORDER) {
    const codes = new Uint8Array(minutes);
    const serviceChecks = schedule.checks.map((c, ci) => ({ c, ci })).filter(({ c }) => c.service === service);
    const windowCursor = new IntervalCursor(schedule.windows[service]);
    for (let i = 0; i < minutes; i++) {
      const start = (firstMinute + i) * MINUTE;
      // a window overlaps [start, start + 1 min) when the first one ending after start begins before its end
      const w = windowCursor.currentOrNext(start);
      if (w && w.fromMs < start + MINUTE) {
        codes[i] = 3;
        continue;
      }
      let measured = false;
      let unavailable = false;
      for (const { ci } of serviceChecks) {
        const r = popcount(reporting[ci]![i]!);
        const f = popcount(failing[ci]![i]!);
        if (r > 0) measured = true;
        if (2 * f > r) unavailable = true;
      }
      codes[i] = !measured ? 2 : unavailable ? 1 : 0;
    }
    states.set(service, codes);
  }
  const truth: GroundTruth = {
    state(service, minuteStartMs) {
      const i = minuteStartMs / MINUTE - firstMinute;
      const code = states.get(service)?.[i]; // a service the synthetic exporters do not probe: unmeasured
      return code === undefined ? "unmeasured" : STATE_CODES[code]!;
    },
    reservedCount(service, from, to) {
      const within = (list: Interval[], m: number) => list.some((w) => w.fromMs <= m && m < w.toMs);
      let reserved = 0;
      let announced = 0;
      for (let m = from; m < to; m += MINUTE) {
        if (!within(schedule.reserved[service], m)) continue;
        reserved++;
        if (within(schedule.planned[service], m)) announced++;
      }
      return { reserved, announced };
    },
    count(service, from, to) {
      const counts: Record<MinuteState, number> = { maintenance: 0, unmeasured: 0, unavailable: 0, available: 0 };
      for (let m = from; m < to; m += MINUTE) counts[truth.state(service, m)]++;
      return counts;
    },
  };
  return { samples, truth };
}
