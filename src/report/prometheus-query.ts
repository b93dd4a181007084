import { request } from "undici";
import { answerTooSlow, PeerAnswerError, readPeerAnswer } from "../peers/peer-answer.js";

/** A failure talking to Prometheus, with a message meant for the user. */
export class PrometheusQueryError extends Error {}

export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

/** The default cap on one answer of Prometheus (`report --max-answer-mib`), and its upper bound. */
export const DEFAULT_PROMETHEUS_ANSWER_BYTES = 64 << 20;
export const MAX_PROMETHEUS_ANSWER_BYTES = 1024 << 20;

export interface PrometheusQueryOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a path prefix is kept). */
  baseUrl: string;
  /** The total time one query may take, from connecting to the last byte of its answer. */
  timeoutMs?: number;
  /** The largest answer read (default 64 MiB); a larger one fails the query. */
  maxAnswerBytes?: number;
}

/** The base URL of --prometheus, or a PrometheusQueryError naming the option. */
export function prometheusBaseUrl(text: string): URL {
  try {
    const base = new URL(text);
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("not http");
    return base;
  } catch {
    throw new PrometheusQueryError(`--prometheus: expected an http:// or https:// URL, got "${text}"`);
  }
}

/**
 * POSTs a form to Prometheus's HTTP API at `apiPath` and returns the status and the answer's text,
 * read under a total deadline (timeoutMs) and a byte cap (maxAnswerBytes).
 */
export async function postPrometheusForm(
  options: PrometheusQueryOptions,
  apiPath: string,
  form: Record<string, string>,
): Promise<{ base: URL; status: number; text: string }> {
  const base = prometheusBaseUrl(options.baseUrl);
  const url = new URL(`${base.pathname.replace(/\/+$/, "")}${apiPath}`, base);
  const timeout = options.timeoutMs ?? 60_000;
  const deadline = AbortSignal.timeout(timeout);
  try {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ ...form, timeout: `${Math.ceil(timeout / 1000)}s` }).toString(),
      signal: deadline,
    });
    const bytes = await readPeerAnswer(res.body, {
      what: "Prometheus answer",
      maxBytes: options.maxAnswerBytes ?? DEFAULT_PROMETHEUS_ANSWER_BYTES,
      signal: deadline,
      deadlineMs: timeout,
    });
    return { base, status: res.statusCode, text: bytes.toString("utf8") };
  } catch (err) {
    if (err instanceof PeerAnswerError) throw new PrometheusQueryError(`${err.message} (from ${base.href})`);
    if (deadline.aborted) throw new PrometheusQueryError(`${answerTooSlow("Prometheus answer", timeout).message} (from ${base.href})`);
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    const detail = e.cause?.message ?? e.message ?? e.code;
    throw new PrometheusQueryError(`cannot reach Prometheus at ${base.href}: ${detail}`);
  }
}

/** Runs an instant query (POST /api/v1/query) and returns its vector; throws PrometheusQueryError. */
export async function queryInstantVector(options: PrometheusQueryOptions, query: string): Promise<InstantSample[]> {
  const { base, status, text } = await postPrometheusForm(options, "/api/v1/query", { query });
  let body: { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
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
