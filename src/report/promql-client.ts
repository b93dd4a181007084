import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { MiB } from "../config/byte-units.js";
import { answerTooSlow, PeerAnswerError, readPeerAnswer } from "../peers/peer-answer.js";

/**
 * The report's one PromQL client: instant and range queries against Prometheus's HTTP API, each
 * read under a total deadline and a byte cap (src/peers/peer-answer.ts), with every error message
 * written here. The CLI builds it from its flags and passes it in; a report section never opens a
 * connection. Messages name Prometheus and its URL, never a flag: the CLI maps `kind` to its flag.
 */

export type PromqlErrorKind =
  /** The base URL is not an http:// or https:// URL. */
  | "bad_url"
  /** No connection, or it broke. */
  | "unreachable"
  /** The answer was not complete within the deadline. */
  | "deadline"
  /** The answer was larger than the byte cap. */
  | "too_large"
  /** The answer was not Prometheus's JSON API (a wrong URL, a proxy's page). */
  | "not_prometheus"
  /** Prometheus refused the query (HTTP status or status "error"). */
  | "query_failed"
  /** Prometheus answered another result type than the query asks for. */
  | "unexpected_result";

/** A failure talking to Prometheus, with a message meant for the user. */
export class PromqlError extends Error {
  constructor(
    readonly kind: PromqlErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "PromqlError";
  }
}

export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range query: its labels and its points (Unix ms -> value). */
export interface RangeSeries {
  metric: Record<string, string>;
  points: Map<number, number>;
}

/** The default cap on one answer of Prometheus, and its upper bound. */
export const DEFAULT_PROMETHEUS_ANSWER_BYTES = 64 * MiB;
export const MAX_PROMETHEUS_ANSWER_BYTES = 1024 * MiB;
/** The default total time of one request, from connecting to the last byte of its answer. */
export const DEFAULT_PROMQL_TIMEOUT_MS = 60_000;
/**
 * Prometheus refuses a range query whose (end - start) / step exceeds 11,000 ("exceeded maximum
 * resolution of 11,000 points per timeseries"): a range is cut in requests of this many steps.
 */
export const MAX_POINTS_PER_REQUEST = 11_000;

/** The first and last step of one request of a range. */
export interface RangeRequest {
  startMs: number;
  endMs: number;
}

/** [startMs, endMs] at stepMs cut in requests of MAX_POINTS_PER_REQUEST steps each. Pure. */
export function rangeChunks(startMs: number, endMs: number, stepMs: number): RangeRequest[] {
  const steps = Math.floor((endMs - startMs) / stepMs) + 1;
  const chunks: RangeRequest[] = [];
  for (let first = 0; first < steps; first += MAX_POINTS_PER_REQUEST) {
    const last = Math.min(steps - 1, first + MAX_POINTS_PER_REQUEST - 1);
    chunks.push({ startMs: startMs + first * stepMs, endMs: startMs + last * stepMs });
  }
  return chunks;
}

export interface PromqlClientOptions {
  /** The total time one request may take, from connecting to the last byte of its answer. */
  timeoutMs?: number;
  /** The largest answer read (default 64 MiB); a larger one fails the query. */
  maxAnswerBytes?: number;
}

/**
 * Asks for the steps exactly where the query puts them. VictoriaMetrics (the long-term store, docs/ha.md)
 * otherwise rounds a long range's start and end to multiples of the step, for its response cache: the
 * report's minute steps at m + 129.999 s would move to whole minutes and read other minutes' samples.
 * Prometheus ignores the parameter.
 */
const EXACT_STEPS = { nocache: "1" } as const;

type ApiBody = { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };

export class PromqlClient {
  /** The base URL (a path prefix is kept). */
  readonly base: URL;
  readonly timeoutMs: number;
  readonly maxAnswerBytes: number;

  /** Throws PromqlError("bad_url") when `baseUrl` is not an http:// or https:// URL. */
  constructor(baseUrl: string, options: PromqlClientOptions = {}) {
    this.base = promqlBaseUrl(baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PROMQL_TIMEOUT_MS;
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_PROMETHEUS_ANSWER_BYTES;
  }

  /** An instant query (POST /api/v1/query) evaluated at `timeMs` (Unix ms); its vector. */
  async instant(query: string, timeMs: number): Promise<InstantSample[]> {
    const result = await this.call("/api/v1/query", { query, time: (timeMs / 1000).toFixed(3) }, "vector");
    return (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /**
   * A range query (POST /api/v1/query_range) over [startMs, endMs] with steps at startMs + k·stepMs
   * (on any PromQL endpoint: EXACT_STEPS), cut in requests of MAX_POINTS_PER_REQUEST steps; the series of the requests are joined by their labels.
   */
  async range(query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeSeries[]> {
    const series = new Map<string, RangeSeries>();
    for (const chunk of rangeChunks(startMs, endMs, stepMs)) {
      const result = await this.call(
        "/api/v1/query_range",
        {
          query,
          start: (chunk.startMs / 1000).toFixed(3),
          end: (chunk.endMs / 1000).toFixed(3),
          step: `${stepMs / 1000}`,
          ...EXACT_STEPS,
        },
        "matrix",
      );
      for (const r of result as { metric: Record<string, string>; values: [number, string][] }[]) {
        const key = seriesKey(r.metric);
        const target = series.get(key);
        const points = r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as const);
        if (!target) series.set(key, { metric: r.metric, points: new Map(points) });
        else for (const [t, v] of points) target.points.set(t, v);
      }
    }
    return [...series.values()];
  }

  /** POSTs the form and returns the answer's `data.result`, checked to be of `resultType`. */
  private async call(apiPath: string, form: Record<string, string>, resultType: "vector" | "matrix"): Promise<unknown[]> {
    const { status, text } = await this.post(apiPath, form);
    const from = this.base.href;
    let body: ApiBody;
    try {
      body = JSON.parse(text) as ApiBody;
    } catch {
      throw new PromqlError("not_prometheus", `Prometheus at ${from} answered HTTP ${status} with something else than its JSON API: ${text.slice(0, 200)}`);
    }
    if (status < 200 || status >= 300 || body?.status !== "success") {
      throw new PromqlError(
        "query_failed",
        `Prometheus at ${from} answered HTTP ${status}: ${body?.errorType ?? "error"}: ${body?.error ?? text.slice(0, 200)}`,
      );
    }
    if (body.data?.resultType !== resultType || !Array.isArray(body.data.result)) {
      throw new PromqlError(
        "unexpected_result",
        `Prometheus at ${from} answered a ${body.data?.resultType ?? "missing"} result where a ${resultType} was expected`,
      );
    }
    return body.data.result as unknown[];
  }

  /** The status and text of one answer, read under the deadline and the byte cap. */
  private async post(apiPath: string, form: Record<string, string>): Promise<{ status: number; text: string }> {
    const url = new URL(`${this.base.pathname.replace(/\/+$/, "")}${apiPath}`, this.base);
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      const body = new URLSearchParams({ ...form, timeout: `${Math.ceil(this.timeoutMs / 1000)}s` }).toString();
      // node:http(s) with Node's keep-alive agents: undici's module alone costs the CLI 0.2 CPU-s to load (docs/performance.md)
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const send = url.protocol === "https:" ? httpsRequest : httpRequest;
        const req = send(
          url,
          {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", "content-length": Buffer.byteLength(body) },
            signal: deadline,
          },
          resolve,
        );
        req.once("error", reject);
        req.end(body);
      });
      const bytes = await readPeerAnswer(res, { what: "Prometheus answer", maxBytes: this.maxAnswerBytes, signal: deadline, deadlineMs: this.timeoutMs });
      return { status: res.statusCode ?? 0, text: bytes.toString("utf8") };
    } catch (err) {
      if (err instanceof PeerAnswerError) throw new PromqlError(err.kind, `${err.message} (from ${this.base.href})`);
      if (deadline.aborted) throw new PromqlError("deadline", `${answerTooSlow("Prometheus answer", this.timeoutMs).message} (from ${this.base.href})`);
      const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
      throw new PromqlError("unreachable", `cannot reach Prometheus at ${this.base.href}: ${e.cause?.message ?? e.message ?? e.code}`);
    }
  }
}

/** The labels of a series as one string (sorted), to join or match series. */
export function seriesKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function promqlBaseUrl(text: string): URL {
  let base: URL | undefined;
  try {
    base = new URL(text);
  } catch {
    base = undefined;
  }
  if (!base || (base.protocol !== "http:" && base.protocol !== "https:")) {
    throw new PromqlError("bad_url", `expected the http:// or https:// URL of Prometheus, got "${text}"`);
  }
  return base;
}
