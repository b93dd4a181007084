import { postPrometheusForm, PrometheusQueryError, type PrometheusQueryOptions } from "./prometheus-query.js";

/** One series of a range query: its labels and its points (Unix ms -> value). */
export interface RangeSeries {
  metric: Record<string, string>;
  points: Map<number, number>;
}

/** Prometheus refuses more than 11,000 points per series in one range query. */
const MAX_POINTS = 10_000;

/**
 * A range query (POST /api/v1/query_range) over [startMs, endMs] with steps at startMs + k·stepMs,
 * split into several requests when it has more points than Prometheus answers at once. Series of
 * the chunks are joined by their labels. Throws PrometheusQueryError with a message for the user.
 */
export async function queryRange(options: PrometheusQueryOptions, query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeSeries[]> {
  const series = new Map<string, RangeSeries>();
  const steps = Math.floor((endMs - startMs) / stepMs) + 1;
  for (let first = 0; first < steps; first += MAX_POINTS) {
    const last = Math.min(steps - 1, first + MAX_POINTS - 1);
    const chunk = await rangeChunk(options, query, startMs + first * stepMs, startMs + last * stepMs, stepMs);
    for (const s of chunk) {
      const key = JSON.stringify(Object.entries(s.metric).sort());
      const target = series.get(key);
      if (!target) series.set(key, s);
      else for (const [t, v] of s.points) target.points.set(t, v);
    }
  }
  return [...series.values()];
}

async function rangeChunk(options: PrometheusQueryOptions, query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeSeries[]> {
  const { base, status, text } = await postPrometheusForm(options, "/api/v1/query_range", {
    query,
    start: (startMs / 1000).toFixed(3),
    end: (endMs / 1000).toFixed(3),
    step: `${stepMs / 1000}`,
  });
  let body: { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PrometheusQueryError(`Prometheus at ${base.href} answered HTTP ${status} with something else than its JSON API: ${text.slice(0, 200)}`);
  }
  if (status < 200 || status >= 300 || body.status !== "success") {
    throw new PrometheusQueryError(`Prometheus at ${base.href} answered HTTP ${status}: ${body.errorType ?? "error"}: ${body.error ?? text.slice(0, 200)}`);
  }
  if (body.data?.resultType !== "matrix" || !Array.isArray(body.data.result)) {
    throw new PrometheusQueryError(`Prometheus at ${base.href} answered a ${body.data?.resultType ?? "missing"} result where a matrix was expected`);
  }
  return (body.data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((r) => ({
    metric: r.metric,
    points: new Map(r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)])),
  }));
}
