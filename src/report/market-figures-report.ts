import { TDSP_TERRITORIES, tdspName } from "../market-figures/tdsp-territory.js";
import type { InstantSample } from "./promql-client.js";
import type { InstantNeed } from "./promql-fetch.js";
import type { ReportMonth } from "./report-month.js";

/**
 * Call-center tickets of a month by type, and HAN devices by status and TDSP territory at the month's
 * end, from the exporters' smt_call_center_tickets and smt_han_devices (docs/market-figures.md).
 * Several sources add up (e.g. phone and e-mail tickets); the same source seen by several exporters
 * counts once.
 */
const DAY_MS = 86_400_000;
/** A month's tickets are read as last reported up to a week after the month (late-logged tickets). */
const TICKETS_SETTLE_MS = 7 * DAY_MS;

export interface CallCenterSection {
  month: string;
  total: number;
  by_type: { type: string; tickets: number }[];
  sources: string[];
}

export interface HanSection {
  /** The instant the snapshot is of: the month's end. */
  at: string;
  total: number;
  by_status: { status: string; devices: number }[];
  by_tdsp: { tdsp: string; name: string; devices: number }[];
  by_status_and_tdsp: { status: string; tdsp: string; devices: number }[];
  sources: string[];
}

const promMs = (ms: number) => `${Math.max(1, Math.round(ms))}ms`;
const at = (ms: number) => (ms / 1000).toFixed(3);

/** Tickets by type from (source, type) samples. Pure. */
export function callCenterFromSamples(month: string, samples: readonly InstantSample[]): CallCenterSection | null {
  if (samples.length === 0) return null;
  const byType = new Map<string, number>();
  for (const s of samples) byType.set(s.metric.type ?? "", (byType.get(s.metric.type ?? "") ?? 0) + s.value);
  const by_type = [...byType].map(([type, tickets]) => ({ type, tickets })).sort((a, b) => b.tickets - a.tickets || a.type.localeCompare(b.type));
  return { month, total: by_type.reduce((n, t) => n + t.tickets, 0), by_type, sources: [...new Set(samples.map((s) => s.metric.source ?? ""))].sort() };
}

/** Devices by status, by TDSP and both, from (source, status, tdsp) samples. Pure. */
export function hanFromSamples(atMs: number, samples: readonly InstantSample[]): HanSection | null {
  if (samples.length === 0) return null;
  const both = new Map<string, { status: string; tdsp: string; devices: number }>();
  for (const s of samples) {
    const status = s.metric.status ?? "";
    const tdsp = s.metric.tdsp ?? "";
    const k = `${status}\t${tdsp}`;
    const e = both.get(k) ?? { status, tdsp, devices: 0 };
    e.devices += s.value;
    both.set(k, e);
  }
  const sum = (key: "status" | "tdsp") => {
    const m = new Map<string, number>();
    for (const e of both.values()) m.set(e[key], (m.get(e[key]) ?? 0) + e.devices);
    return m;
  };
  const tdspOrder = (t: string) => {
    const i = (TDSP_TERRITORIES as readonly string[]).indexOf(t);
    return i < 0 ? TDSP_TERRITORIES.length : i;
  };
  const byStatus = [...sum("status")]
    .map(([status, devices]) => ({ status, devices }))
    .sort((a, b) => b.devices - a.devices || a.status.localeCompare(b.status));
  const byTdsp: HanSection["by_tdsp"] = TDSP_TERRITORIES.map((tdsp) => ({ tdsp, name: tdspName(tdsp), devices: sum("tdsp").get(tdsp) ?? 0 }));
  for (const [tdsp, devices] of sum("tdsp")) if (!(TDSP_TERRITORIES as readonly string[]).includes(tdsp)) byTdsp.push({ tdsp, name: tdspName(tdsp), devices });
  return {
    at: new Date(atMs).toISOString(),
    total: byStatus.reduce((n, s) => n + s.devices, 0),
    by_status: byStatus,
    by_tdsp: byTdsp,
    by_status_and_tdsp: [...both.values()].sort((a, b) => a.status.localeCompare(b.status) || tdspOrder(a.tdsp) - tdspOrder(b.tdsp)),
    sources: [...new Set(samples.map((s) => s.metric.source ?? ""))].sort(),
  };
}

/** The query of the month's tickets, as last reported up to a week after the month (or now). Pure. */
export function callCenterNeed(month: ReportMonth, nowMs: number): InstantNeed {
  const until = Math.min(nowMs, month.toMs + TICKETS_SETTLE_MS);
  return {
    kind: "instant",
    query: `max by (source, type) (last_over_time(smt_call_center_tickets{month="${month.label}"}[${promMs(until - month.fromMs)}] @ ${at(until)}))`,
    timeMs: until,
  };
}

/** The query of the HAN devices at the month's last instant. Pure. */
export function hanNeed(month: ReportMonth): InstantNeed {
  const end = month.toMs - 1;
  return { kind: "instant", query: `max by (source, status, tdsp) (last_over_time(smt_han_devices[1d] @ ${at(end)}))`, timeMs: end };
}
