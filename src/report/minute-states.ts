import { SERVICES, type Service } from "../config/services.js";
import { MINUTE_STATE_SERIES } from "../rules/availability-rules.js";
import { INCIDENT_LOOKAROUND_MS, SAMPLE_END_OFFSET_MS, type MinuteFlag, type MinuteFlags, type MinuteLookup } from "./outage-list.js";
import type { InstantSample, RangeSeries } from "./promql-client.js";
import type { RangeNeed } from "./promql-fetch.js";
import type { ReportMonth } from "./report-month.js";

/**
 * The recorded state of every minute around a month, for the outage list (src/report/outage-list.ts),
 * fetched as up to four sparse range queries instead of one dense one. Almost every minute is
 * available, so the queries ask only for the exceptions:
 * - `unavailable`: minutes whose unavailable sample is 1;
 * - `maintenance`: minutes whose maintenance sample is 1;
 * - `notAvailable`: minutes whose available sample is recorded and is not 1;
 * - `unrecorded`: minutes without an available sample (`absent_over_time`, one per service).
 * A minute in neither of the last two is available. Whether a minute is available matters only
 * while an outage incident is open, and an incident is listed in a month only when it has
 * unavailable minutes in that month, so the last two are asked only for the services with
 * unavailable minutes in the month (the availability query's answer): a service without probes,
 * recorded unmeasured every minute, would otherwise answer every minute. Each query is a plain
 * selector with one function and a filter, which Prometheus evaluates about ten times faster per
 * step than the `or` of three `label_replace`s it replaces, and the answers are a few hundred kB a
 * month instead of about 14 MB. The flags are those of the dense query: a minute is unavailable, in
 * maintenance or available when that minute's sample is exactly 1 (docs/performance.md).
 */

export interface MinuteStateNeeds {
  unavailable: RangeNeed;
  maintenance: RangeNeed;
  /** Absent when no service had an unavailable minute in the month. */
  notAvailable?: RangeNeed;
  unrecorded?: RangeNeed;
  /** The services notAvailable and unrecorded ask about: those with unavailable minutes in the month. */
  incidentServices: readonly Service[];
}

/** What the four needs answered. */
export interface MinuteStateAnswers {
  unavailable: readonly RangeSeries[];
  maintenance: readonly RangeSeries[];
  notAvailable: readonly RangeSeries[];
  unrecorded: readonly RangeSeries[];
}

const MINUTE_MS = 60_000;
/** `last_over_time` over exactly one minute's sample window, at steps m + 129.999 s (minute-timing.ts). */
const minuteSample = (series: string) => `last_over_time(${series}[59s999ms])`;

/**
 * The queries of the recorded minute states of a month and INCIDENT_LOOKAROUND_MS on either side of
 * it, at steps m + 129.999 s for minute m. `incidentServices`: the services with unavailable minutes
 * in the month. The queries do not name the month, so consecutive months (of a year) with the same
 * services share one range per query. Pure.
 */
export function minuteStateNeeds(month: ReportMonth, incidentServices: readonly Service[] = SERVICES): MinuteStateNeeds {
  const startMs = month.fromMs - INCIDENT_LOOKAROUND_MS + SAMPLE_END_OFFSET_MS;
  const endMs = month.toMs + INCIDENT_LOOKAROUND_MS - MINUTE_MS + SAMPLE_END_OFFSET_MS;
  const need = (query: string): RangeNeed => ({ kind: "range", query, startMs, endMs, stepMs: MINUTE_MS });
  const services = SERVICES.filter((s) => incidentServices.includes(s));
  const available = (s: string) => `${MINUTE_STATE_SERIES.available}{service="${s}"}`;
  return {
    unavailable: need(`${minuteSample(MINUTE_STATE_SERIES.unavailable)} == 1`),
    maintenance: need(`${minuteSample(MINUTE_STATE_SERIES.maintenance)} == 1`),
    ...(services.length > 0
      ? {
          notAvailable: need(`${minuteSample(`${MINUTE_STATE_SERIES.available}{service=~"${services.join("|")}"}`)} != 1`),
          unrecorded: need(services.map((s) => `absent_over_time(${available(s)}[59s999ms])`).join(" or ")),
        }
      : {}),
    incidentServices: services,
  };
}

const UNAVAILABLE = 1;
const MAINTENANCE = 2;
const AVAILABLE = 4;
/** The eight flag combinations, shared: a lookup allocates nothing per minute. */
const FLAGS: readonly MinuteFlag[] = Array.from({ length: 8 }, (_, bits) =>
  Object.freeze({ unavailable: (bits & UNAVAILABLE) !== 0, maintenance: (bits & MAINTENANCE) !== 0, available: (bits & AVAILABLE) !== 0 }),
);

/** One service's minutes from `firstMinute` on, one byte of flags each. */
class MinuteArray implements MinuteLookup {
  constructor(
    private readonly firstMinute: number,
    private readonly bits: Uint8Array,
  ) {}

  get(minute: number): MinuteFlag | undefined {
    const i = (minute - this.firstMinute) / MINUTE_MS;
    return i >= 0 && i < this.bits.length && Number.isInteger(i) ? FLAGS[this.bits[i]!] : undefined;
  }
}

/**
 * The flags of each service's minutes from the answers to minuteStateNeeds. The minutes of a
 * service not in incidentServices are never available (nothing was asked, and nothing depends on it). Pure.
 */
export function minuteStateFlags(needs: MinuteStateNeeds, answers: MinuteStateAnswers): MinuteFlags {
  const { startMs, endMs } = needs.unavailable;
  const firstMinute = startMs - SAMPLE_END_OFFSET_MS;
  const count = Math.floor((endMs - startMs) / MINUTE_MS) + 1;
  const covered = new Set(needs.incidentServices);
  const arrays = new Map<Service, Uint8Array>();
  const bitsOf = (metric: Record<string, string>): Uint8Array | undefined => {
    const service = metric.service as Service;
    if (!(SERVICES as readonly string[]).includes(service)) return undefined;
    let bits = arrays.get(service);
    if (!bits) arrays.set(service, (bits = new Uint8Array(count).fill(covered.has(service) ? AVAILABLE : 0)));
    return bits;
  };
  for (const s of SERVICES) if (covered.has(s)) bitsOf({ service: s });
  const apply = (series: readonly RangeSeries[], set: number, clear: number) => {
    for (const s of series) {
      const bits = bitsOf(s.metric);
      if (!bits) continue;
      for (const t of s.points.keys()) {
        const i = (t - startMs) / MINUTE_MS;
        if (i >= 0 && i < count && Number.isInteger(i)) bits[i] = (bits[i]! | set) & ~clear;
      }
    }
  };
  apply(answers.notAvailable, 0, AVAILABLE);
  apply(answers.unrecorded, 0, AVAILABLE);
  apply(answers.unavailable, UNAVAILABLE, 0);
  apply(answers.maintenance, MAINTENANCE, 0);
  const flags: MinuteFlags = new Map();
  for (const [service, bits] of arrays) flags.set(service, new MinuteArray(firstMinute, bits));
  return flags;
}

/**
 * The services with unavailable minutes in a month, from the samples of its availability query
 * (src/report/monthly-report.ts: the month's sums per service and state). Pure.
 */
export function incidentServices(availability: readonly InstantSample[]): Service[] {
  return SERVICES.filter((service) => availability.some((s) => s.metric.service === service && s.metric.state === "unavailable" && s.value !== 0));
}
