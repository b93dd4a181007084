import { closeSync, openSync, writeSync } from "node:fs";
import { DateTime } from "luxon";

/**
 * The exporters' energy-data and figure series for March 2026 (and days around it), for backfilling
 * next to test/support/synthetic-month.ts's probe series, with the figures the committee report must
 * print computed straight from the generated samples (no PromQL, no code of src/energy-data or
 * src/report): the independent side of the committee report's accuracy test.
 *
 * Data checks sample every 5 minutes at each location (each with its own phase); the latest usage day
 * a sample shows is the newest day whose delivery time has passed; quality figures describe that day.
 */
const ZONE = "America/Chicago";
const MINUTE = 60_000;
const SAMPLE_EVERY = 5 * MINUTE;
const central = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });

export type DataService = "gui" | "api" | "ftps";
export type Status = "on_time" | "late" | "missing" | "unmeasured";
export interface Figures {
  expected: number;
  received: number;
  missing: number;
  duplicate: number;
  negative: number;
  estimated: number;
}

interface DataCheck {
  service: DataService;
  check: string;
  locations: { name: string; phaseMs: number }[];
}

const CHECKS: DataCheck[] = [
  {
    service: "ftps",
    check: "ftps_data",
    locations: [
      { name: "austin", phaseMs: 37_000 },
      { name: "dallas", phaseMs: 131_000 },
    ],
  },
  { service: "api", check: "api_data", locations: [{ name: "austin", phaseMs: 83_000 }] },
  { service: "gui", check: "gui_data", locations: [{ name: "houston", phaseMs: 12_500 }] },
];

/** The deadline of usage day `day` ("YYYY-MM-DD") for a service, written out from the SLO document. */
export function slaDeadline(service: DataService, day: string): number {
  const d = central(day);
  return service === "ftps" ? d.plus({ days: 1 }).set({ hour: 23, minute: 0 }).toMillis() : d.plus({ days: 2 }).set({ hour: 6, minute: 0 }).toMillis();
}

const intervals = (day: string) => Math.round(central(day).plus({ days: 1 }).diff(central(day), "minutes").minutes / 15);

/** When each usage day's data reaches the service (undefined: never within the data). */
function deliveredAt(service: DataService, day: string): number | undefined {
  const d = central(day);
  const dom = d.day;
  if (service === "ftps") {
    if (day >= "2026-03-30") return undefined; // deliveries stop: the month's last two days are missing
    if (day === "2026-03-05") return d.plus({ days: 1 }).set({ hour: 23, minute: 40 }).toMillis(); // 40 min late
    if (day === "2026-03-07") return central("2026-03-08T22:50").toMillis(); // on the DST day, just in time
    return d
      .plus({ days: 1 })
      .set({ hour: 5, minute: 30 })
      .plus({ minutes: (dom * 7) % 60 })
      .toMillis();
  }
  if (service === "api") {
    if (day === "2026-03-14") return d.plus({ days: 2 }).set({ hour: 9, minute: 30 }).toMillis(); // 3.5 h late
    if (day === "2026-03-20") return central("2026-03-23T04:00").toMillis(); // a day late, just before the next
    return d.plus({ days: 2 }).set({ hour: 5, minute: 0 }).toMillis();
  }
  if (day === "2026-03-01") return central("2026-03-03T09:00").toMillis(); // gui: 3 h late
  return d.plus({ days: 2 }).set({ hour: 4, minute: 10 }).toMillis();
}

/** The quality figures of a day's data (two canary ESIIDs). */
export function dayFigures(service: DataService, day: string): Figures {
  const expected = 2 * intervals(day);
  const f: Figures = { expected, received: expected, missing: 0, duplicate: 0, negative: 0, estimated: central(day).day % 3 };
  if (service === "ftps" && day === "2026-03-09") Object.assign(f, { missing: 1, duplicate: 1, negative: 1, estimated: 4 });
  if (service === "api" && day === "2026-03-12") Object.assign(f, { received: expected - 2, missing: 2, estimated: 10 });
  if (service === "gui" && day === "2026-03-08") Object.assign(f, { received: expected + 3, duplicate: 3 });
  return f;
}

/** Exporters not serving data-check samples (down), per location. */
const DOWN: Record<string, { from: number; to: number }[]> = {
  austin: [{ from: central("2026-03-12T03:00").toMillis(), to: central("2026-03-12T08:00").toMillis() }], // the API deadline of 03-10 unmeasured
  dallas: [{ from: central("2026-03-05T20:00").toMillis(), to: central("2026-03-06T02:00").toMillis() }],
  houston: [],
};

export interface EnergyTruth {
  /** Per service and usage day of March: the status, and minutes late for late days. */
  timeToMarket: Map<DataService, Map<string, { status: Status; minutesLate: number | null }>>;
  /** Per service: the sums of the figures of the days observed, and the days observed. */
  quality: Map<DataService, Figures & { days: number; daysWithIssues: string[] }>;
  /** March tickets by type (phone + email, revisions included). */
  tickets: Map<string, number>;
  /** HAN devices at the end of March by status and TDSP. */
  han: Map<string, number>;
}

const MARCH_DAYS = Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, "0")}`);

/**
 * Writes the OpenMetrics file (samples from 2026-02-26 to 2026-04-12 Central) and returns the truth.
 * `searchEndMs`: until when the report looks for late deliveries (the month's last deadline + 7 days).
 */
export function writeSyntheticEnergyData(path: string): EnergyTruth {
  const fromMs = central("2026-02-26T00:00").toMillis();
  const toMs = central("2026-04-12T00:00").toMillis();
  const allDays: string[] = [];
  for (let d = central("2026-02-20"); d.toMillis() < toMs; d = d.plus({ days: 1 })) allDays.push(d.toISODate()!);
  const fd = openSync(path, "w");
  let buffer = "";
  const flush = (force = false) => {
    if (force || buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = "";
    }
  };
  const ts = (t: number) => (t / 1000).toFixed(3);
  const starts = new Map(allDays.map((day) => [day, central(day).toMillis() / 1000]));
  const dayStart = (day: string) => starts.get(day)!;

  // Per service: every data-check sample (time, latest day) at any location.
  const samples = new Map<DataService, { t: number; location: string; latest: string | undefined }[]>();
  for (const c of CHECKS) {
    // deliveries in time order (days are delivered in order), and each day's figures, computed once
    const deliveries = allDays
      .map((day) => ({ day, at: deliveredAt(c.service, day) }))
      .filter((d): d is { day: string; at: number } => d.at !== undefined)
      .sort((a, b) => a.at - b.at);
    const figuresOf = new Map(allDays.map((day) => [day, dayFigures(c.service, day)]));
    const list: { t: number; location: string; latest: string | undefined }[] = [];
    for (const loc of c.locations) {
      const instance = `${loc.name}:9910`;
      const base = `service="${c.service}",check="${c.check}",location="${loc.name}",job="smt-exporter",instance="${instance}"`;
      const latestLines: string[] = [];
      const dayLines: string[] = [];
      const figureLines: Record<string, string[]> = { expected: [], received: [], missing: [], duplicate: [], negative: [], estimated: [] };
      let next = 0;
      let latest: string | undefined;
      for (let t = fromMs + loc.phaseMs; t < toMs; t += SAMPLE_EVERY) {
        while (next < deliveries.length && deliveries[next]!.at <= t) {
          if (latest === undefined || deliveries[next]!.day > latest) latest = deliveries[next]!.day;
          next++;
        }
        if ((DOWN[loc.name] ?? []).some((w) => t >= w.from && t < w.to)) continue;
        list.push({ t, location: loc.name, latest });
        if (!latest) continue;
        latestLines.push(`smt_data_latest_usage_day_timestamp_seconds{${base}} ${dayStart(latest)} ${ts(t)}`);
        dayLines.push(`smt_data_quality_usage_day_timestamp_seconds{${base}} ${dayStart(latest)} ${ts(t)}`);
        const f = figuresOf.get(latest)!;
        for (const [k, v] of Object.entries(f)) figureLines[k]!.push(`smt_data_quality_intervals{${base},figure="${k}"} ${v} ${ts(t)}`);
      }
      buffer += `${latestLines.join("\n")}\n${dayLines.join("\n")}\n`;
      for (const lines of Object.values(figureLines)) buffer += `${lines.join("\n")}\n`;
      flush();
    }
    samples.set(
      c.service,
      list.sort((a, b) => a.t - b.t),
    );
  }

  // Call-center tickets: two sources, each exported by two exporters (counted once).
  const TYPES = ["Password Reset", "Account Access", "Energy Data Access"];
  const final: Record<string, Record<string, number>> = {
    phone: { "Password Reset": 310, "Account Access": 125, "Energy Data Access": 44 },
    email: { "Password Reset": 90, "Account Access": 61, "Energy Data Access": 17 },
  };
  const monthStart = central("2026-03-01").toMillis();
  const monthEnd = central("2026-04-01").toMillis();
  const revision = central("2026-04-03T10:00").toMillis(); // email: 5 late-logged Account Access tickets
  const lateRevision = central("2026-04-10T10:00").toMillis(); // after the settling week: not reported
  for (const source of ["phone", "email"]) {
    for (const exporter of ["austin", "dallas"]) {
      for (const type of TYPES) {
        const lines: string[] = [];
        const feb: string[] = [];
        for (let t = fromMs + 11_000; t < toMs; t += SAMPLE_EVERY) {
          const base = `source="${source}",type="${type}",job="smt-exporter",instance="${exporter}:9910"`;
          feb.push(`smt_call_center_tickets{month="2026-02",${base}} 999 ${ts(t)}`);
          if (t < monthStart) continue;
          const full = final[source]![type]!;
          let v = t >= monthEnd ? full : Math.floor((full * (t - monthStart)) / (monthEnd - monthStart));
          if (source === "email" && type === "Account Access" && t >= revision) v += 5;
          if (source === "email" && type === "Account Access" && t >= lateRevision) v += 100;
          lines.push(`smt_call_center_tickets{month="2026-03",${base}} ${v} ${ts(t)}`);
        }
        buffer += `${lines.join("\n")}\n${feb.join("\n")}\n`;
        flush();
      }
    }
  }
  const tickets = new Map(TYPES.map((type) => [type, final.phone![type]! + final.email![type]! + (type === "Account Access" ? 5 : 0)]));

  // HAN devices: one source; new devices on 03-20, and changes right after the month (not reported).
  const hanBefore: Record<string, number> = { "joined\toncor": 40, "pending\toncor": 3, "joined\tcenterpoint": 22, "failed\ttnmp": 1 };
  const hanAfter20: Record<string, number> = {
    "joined\toncor": 44,
    "pending\toncor": 2,
    "joined\tcenterpoint": 25,
    "failed\ttnmp": 1,
    "joined\taep_texas_north": 6,
  };
  const hanApril: Record<string, number> = {
    "joined\toncor": 50,
    "pending\toncor": 0,
    "joined\tcenterpoint": 25,
    "failed\ttnmp": 0,
    "joined\taep_texas_north": 6,
  };
  const keys = [...new Set([...Object.keys(hanBefore), ...Object.keys(hanAfter20), ...Object.keys(hanApril)])];
  const change20 = central("2026-03-20T09:00").toMillis();
  const changeApril = central("2026-04-01T00:30").toMillis();
  for (const key of keys) {
    const [status, tdsp] = key.split("\t");
    const lines: string[] = [];
    for (let t = fromMs + 23_000; t < toMs; t += SAMPLE_EVERY) {
      const table = t >= changeApril ? hanApril : t >= change20 ? hanAfter20 : hanBefore;
      const v = table[key];
      if (v === undefined) continue;
      lines.push(`smt_han_devices{source="han_feed",status="${status}",tdsp="${tdsp}",job="smt-exporter",instance="houston:9910"} ${v} ${ts(t)}`);
    }
    buffer += `${lines.join("\n")}\n`;
  }
  buffer += "# EOF\n";
  flush(true);
  closeSync(fd);

  // Ground truth of time to market, from the samples.
  const timeToMarket = new Map<DataService, Map<string, { status: Status; minutesLate: number | null }>>();
  const quality = new Map<DataService, Figures & { days: number; daysWithIssues: string[] }>();
  const lastDeadline = Math.max(...(["gui", "api", "ftps"] as DataService[]).map((s) => slaDeadline(s, "2026-03-31")));
  const searchEnd = lastDeadline + 7 * 86_400_000;
  for (const c of CHECKS) {
    const list = samples.get(c.service)!;
    const byDay = new Map<string, { status: Status; minutesLate: number | null }>();
    for (const day of MARCH_DAYS) {
      const deadline = slaDeadline(c.service, day);
      // per location, its last sample in (deadline - 1 h, deadline]; the best of the locations
      const window = list.filter((s) => s.t > deadline - 60 * MINUTE && s.t <= deadline);
      if (window.length === 0) {
        byDay.set(day, { status: "unmeasured", minutesLate: null });
        continue;
      }
      const lastPerLocation = new Map<string, string | undefined>();
      for (const s of window) lastPerLocation.set(s.location, s.latest);
      if ([...lastPerLocation.values()].some((l) => l !== undefined && l >= day)) {
        byDay.set(day, { status: "on_time", minutesLate: null });
        continue;
      }
      const first = list.find((s) => s.t > deadline && s.latest !== undefined && s.latest >= day);
      if (!first || Math.ceil(first.t / MINUTE) * MINUTE > searchEnd) byDay.set(day, { status: "missing", minutesLate: null });
      else byDay.set(day, { status: "late", minutesLate: Math.ceil((first.t - deadline) / MINUTE) });
    }
    timeToMarket.set(c.service, byDay);

    const seen = new Set(list.map((s) => s.latest).filter((d): d is string => d !== undefined && d.startsWith("2026-03-")));
    const sum: Figures & { days: number; daysWithIssues: string[] } = {
      expected: 0,
      received: 0,
      missing: 0,
      duplicate: 0,
      negative: 0,
      estimated: 0,
      days: 0,
      daysWithIssues: [],
    };
    for (const day of [...seen].sort()) {
      const f = dayFigures(c.service, day);
      for (const k of Object.keys(f) as (keyof Figures)[]) sum[k] += f[k];
      sum.days++;
      if (f.missing || f.duplicate || f.negative) sum.daysWithIssues.push(day);
    }
    quality.set(c.service, sum);
  }
  return { timeToMarket, quality, tickets, han: new Map(Object.entries(hanAfter20)) };
}
