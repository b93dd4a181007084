import { request } from "undici";

/** A failure talking to Prometheus, with a message meant for the user. */
export class PrometheusQueryError extends Error {}

export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusQueryOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a path prefix is kept). */
  baseUrl: string;
  timeoutMs?: number;
}

/** Runs an instant query (POST /api/v1/query) and returns its vector; throws PrometheusQueryError. */
export async function queryInstantVector(options: PrometheusQueryOptions, query: string): Promise<InstantSample[]> {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new PrometheusQueryError(`--prometheus: expected an http:// or https:// URL, got "${options.baseUrl}"`);
  }
  const url = new URL(`${base.pathname.replace(/\/+$/, "")}/api/v1/query`, base);
  const timeout = options.timeoutMs ?? 60_000;
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ query, timeout: `${Math.ceil(timeout / 1000)}s` }).toString(),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    const detail = e.cause?.message ?? e.message ?? e.code;
    throw new PrometheusQueryError(`cannot reach Prometheus at ${base.href}: ${detail}`);
  }
  let body: { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new PrometheusQueryError(
      `Prometheus at ${base.href} answered HTTP ${status} with something else than its JSON API (is --prometheus the server's base URL?): ${text.slice(0, 200)}`,
    );
  }
  if (status < 200 || status >= 300 || body.status !== "success") {
    throw new PrometheusQueryError(`Prometheus at ${base.href} answered HTTP ${status}: ${body.errorType ?? "error"}: ${body.error ?? text.slice(0, 200)}`);
  }
  if (body.data?.resultType !== "vector" || !Array.isArray(body.data.result)) {
    throw new PrometheusQueryError(`Prometheus at ${base.href} answered a ${body.data?.resultType ?? "missing"} result where a vector was expected`);
  }
  return (body.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
    metric: r.metric,
    value: Number(r.value[1]),
  }));
}
