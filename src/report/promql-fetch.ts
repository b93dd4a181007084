import { rangeChunks, seriesKey, type InstantSample, type PromqlClient, type RangeRequest, type RangeSeries } from "./promql-client.js";

/**
 * The fetch step of a report: sections say which queries they need (PromqlNeed, plain data), this
 * module fetches them all through the one PromQL client and hands back what each need asked for.
 * Each query is fetched once: equal needs share one request, range needs of the same query and
 * step whose steps line up and whose spans overlap or touch are fetched as one range, and a range
 * that reaches into the range fetched for the previous month fetches only the steps after it.
 * Each need gets its own span cut out; a range query evaluates every step on its own, so the cut
 * is exactly what the need's own query would answer.
 */

export interface InstantNeed {
  kind: "instant";
  query: string;
  /** The evaluation instant (Unix ms). */
  timeMs: number;
}

export interface RangeNeed {
  kind: "range";
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
}

export type PromqlNeed = InstantNeed | RangeNeed;

/** What was fetched, by need. */
export interface PromqlFetched {
  instant(need: InstantNeed): InstantSample[];
  range(need: RangeNeed): RangeSeries[];
}

/**
 * At most this many requests of a report run at once, counting each request of a long range (cut in
 * MAX_POINTS_PER_REQUEST steps) on its own: Prometheus evaluates them in parallel while the report
 * reads the answers, and the answers held at once stay at most this many times the byte cap.
 */
export const REPORT_FETCH_CONCURRENCY = 4;

const instantKey = (n: InstantNeed) => `${n.timeMs}\n${n.query}`;
/** Ranges that can share a request: same query, same step, steps on the same grid. */
const rangeGroup = (n: RangeNeed) => `${n.stepMs}\n${((n.startMs % n.stepMs) + n.stepMs) % n.stepMs}\n${n.query}`;

interface MergedRange {
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
  series?: RangeSeries[];
}

/**
 * The requests a set of needs makes: one per distinct instant need, one per merged range (before
 * the client cuts a long range in requests of MAX_POINTS_PER_REQUEST steps). Pure.
 */
export function planFetch(needs: readonly PromqlNeed[]): { instants: InstantNeed[]; ranges: MergedRange[] } {
  const instants = new Map<string, InstantNeed>();
  const groups = new Map<string, RangeNeed[]>();
  for (const n of needs) {
    if (n.kind === "instant") instants.set(instantKey(n), n);
    else if (n.endMs >= n.startMs) {
      const g = groups.get(rangeGroup(n)) ?? [];
      g.push(n);
      groups.set(rangeGroup(n), g);
    }
  }
  const ranges: MergedRange[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.startMs - b.startMs);
    let current: MergedRange | undefined;
    for (const n of g) {
      // the next step after current's end is current.endMs + step, rounded to the grid
      if (current && n.startMs <= lastStep(current) + n.stepMs) current.endMs = Math.max(current.endMs, n.endMs);
      else ranges.push((current = { query: n.query, startMs: n.startMs, endMs: n.endMs, stepMs: n.stepMs }));
    }
  }
  return { instants: [...instants.values()], ranges };
}

/** The last step of a range: the greatest startMs + k·stepMs not after endMs. */
function lastStep(r: { startMs: number; endMs: number; stepMs: number }): number {
  return r.startMs + Math.floor((r.endMs - r.startMs) / r.stepMs) * r.stepMs;
}

/**
 * Fetches needs through the one client, each query once across calls: a report of several months
 * calls `fetch` month by month, and a range that reaches into the previous call's range of the same
 * query and step grid fetches only the steps after it, the rest coming from what that call
 * fetched. Only the latest range of each query is kept, so memory stays that of about two months.
 */
export class PromqlFetcher {
  /** The latest range fetched per query and step grid, and its series. */
  private readonly held = new Map<string, Required<MergedRange>>();

  constructor(private readonly client: Pick<PromqlClient, "instant" | "range">) {}

  /** Fetches every need (at most REPORT_FETCH_CONCURRENCY requests at a time). */
  async fetch(needs: readonly PromqlNeed[]): Promise<PromqlFetched> {
    const plan = planFetch(needs);
    const instants = new Map<string, InstantSample[]>();
    const ranges = new Map<string, Required<MergedRange>>();
    const parts = plan.ranges.map((r) => this.rangeParts(r));
    // one job per request: the chunks of a long range run side by side like the other requests
    const jobs: (() => Promise<void>)[] = [
      ...parts.flatMap((p) => p.chunks.map((c) => async () => void (c.series = await this.client.range(p.range.query, c.startMs, c.endMs, p.range.stepMs)))),
      ...plan.instants.map((n) => async () => void instants.set(instantKey(n), await this.client.instant(n.query, n.timeMs))),
    ];
    await runLimited(jobs, REPORT_FETCH_CONCURRENCY);
    for (const p of parts) ranges.set(rangeGroup({ ...p.range, kind: "range" }), { ...p.range, series: joinSeries(p.kept, p.chunks) });
    for (const [group, r] of ranges) this.held.set(group, r);
    return {
      instant(need) {
        const samples = instants.get(instantKey(need));
        if (!samples) throw new Error(`bug: instant query not fetched: ${need.query}`);
        return samples;
      },
      range(need) {
        const merged = ranges.get(rangeGroup(need));
        if (!merged || need.startMs < merged.startMs || need.endMs > merged.endMs) throw new Error(`bug: range query not fetched: ${need.query}`);
        return sliceSeries(merged.series, need.startMs, need.endMs);
      },
    };
  }

  /**
   * One merged range: the steps the held range of its group has already (kept), and the requests of
   * the others, MAX_POINTS_PER_REQUEST steps each (chunks, fetched by the caller).
   */
  private rangeParts(r: MergedRange): { range: MergedRange; kept: RangeSeries[]; chunks: RangeChunk[] } {
    const held = this.held.get(rangeGroup({ ...r, kind: "range" }));
    const heldLast = held ? lastStep(held) : undefined;
    if (!held || heldLast === undefined || r.startMs < held.startMs || r.startMs > heldLast + r.stepMs) {
      return { range: r, kept: [], chunks: rangeChunks(r.startMs, r.endMs, r.stepMs) };
    }
    const kept = sliceSeries(held.series, r.startMs, r.endMs);
    if (r.endMs < heldLast + r.stepMs) return { range: r, kept, chunks: [] };
    return { range: r, kept, chunks: rangeChunks(heldLast + r.stepMs, r.endMs, r.stepMs) };
  }
}

/** One request of a range (rangeChunks: the client's own cut), and what it answered. */
interface RangeChunk extends RangeRequest {
  series?: RangeSeries[];
}

/**
 * The series of a range from the held steps it keeps and its requests, joined by their labels. The
 * kept points go into fresh series (never the other way: held series may be shared with the
 * previous month's answers).
 */
function joinSeries(kept: readonly RangeSeries[], chunks: readonly RangeChunk[]): RangeSeries[] {
  const fresh = chunks.flatMap((c) => c.series ?? []);
  if (fresh.length === 0) return [...kept];
  if (kept.length === 0 && chunks.length === 1) return fresh;
  const byLabels = new Map<string, RangeSeries>();
  for (const s of fresh) {
    const key = seriesKey(s.metric);
    const target = byLabels.get(key);
    if (!target)
      byLabels.set(key, s); // a request's own series: not shared, can take the others' points
    else for (const [t, v] of s.points) target.points.set(t, v);
  }
  for (const s of kept) {
    const target = byLabels.get(seriesKey(s.metric));
    if (!target) byLabels.set(seriesKey(s.metric), s);
    else for (const [t, v] of s.points) target.points.set(t, v);
  }
  return [...byLabels.values()];
}

/** The points of `series` in [startMs, endMs]; a series without any there is left out, as Prometheus does. Pure. */
export function sliceSeries(series: readonly RangeSeries[], startMs: number, endMs: number): RangeSeries[] {
  const out: RangeSeries[] = [];
  for (const s of series) {
    let inside = 0;
    for (const t of s.points.keys()) if (t >= startMs && t <= endMs) inside++;
    if (inside === 0) continue;
    if (inside === s.points.size) {
      out.push(s); // all of it: no copy
      continue;
    }
    const points = new Map<number, number>();
    for (const [t, v] of s.points) if (t >= startMs && t <= endMs) points.set(t, v);
    out.push({ metric: s.metric, points });
  }
  return out;
}

/** Runs the jobs, at most `limit` at once; after a failure no further job starts, and the first failure is thrown. */
async function runLimited(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < jobs.length) {
      try {
        await jobs[next++]!();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}
