import { SAMPLE_END_OFFSET_MS } from "../../src/report/outage-list.js";
import type { RangeSeries } from "../../src/report/promql-client.js";

const MINUTE = 60_000;

/**
 * A recorded minute-state series of one service and state, as the report's dense query answers it:
 * 1 on the minutes [from, to), 0 on the other recorded minutes [recordedFrom, recordedTo), each
 * minute m read at the step m + SAMPLE_END_OFFSET_MS (src/report/outage-list.ts).
 */
export function flagSeries(service: string, state: string, from: number, to: number, recordedFrom: number, recordedTo: number): RangeSeries {
  const points = new Map<number, number>();
  for (let m = recordedFrom; m < recordedTo; m += MINUTE) points.set(m + SAMPLE_END_OFFSET_MS, m >= from && m < to ? 1 : 0);
  return { metric: { service, state }, points };
}
