import { open, type FileHandle } from "node:fs/promises";
import type { ResolvedCheck } from "../config/load.js";
import { STATUS_FEED_STATES, type StatusFeedState } from "../config/probe-settings-schema.js";
import { exchange } from "./http-exchange.js";
import { basicAuthHeader, expectStatus, hasHeader } from "./http-checks.js";
import { readJsonPath } from "./json-path.js";
import { phase, ProbeFailure, type Prober, type ProbeContext } from "./probe.js";

type StatusFeedCheck = Extract<ResolvedCheck, { kind: "status_feed" }>;

/**
 * The `status_feed` kind: a service's own word on its state, from an HTTP JSON feed or a file drop
 * (the call center's phone and ticket system, or the notifier's declared call-center outages).
 * "up" and "degraded" pass (degraded is available, flagged by smt_status_feed_state), "down" fails
 * with reason status_down. A feed that cannot be read, or answers something else, or is older than
 * max_age fails with its own reason and records no state: the exporter then drops the check's
 * smt_probe_success, so the minute is unmeasured rather than unavailable (docs/metrics.md).
 */
export const probeStatusFeed: Prober<StatusFeedCheck> = async (check, ctx) => {
  const feed = check.status_feed;
  const { text, modifiedMs } = feed.url !== undefined ? await readUrl(check, feed.url, ctx) : await readFile(feed.file!, feed.max_bytes, ctx);
  const where = feed.url !== undefined ? new URL(feed.url).pathname : feed.file!;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProbeFailure("status_feed", `${where}: expected a JSON status, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  const rawState = readJsonPath(json, feed.state_path);
  const state = typeof rawState === "string" ? rawState.trim().toLowerCase() : undefined;
  if (state === undefined || !(STATUS_FEED_STATES as readonly string[]).includes(state)) {
    throw new ProbeFailure(
      "status_feed",
      `${where}: expected ${feed.state_path} to be one of ${STATUS_FEED_STATES.join(", ")}, got ${JSON.stringify(rawState ?? null)?.slice(0, 80)}`,
    );
  }
  const rawReason = readJsonPath(json, feed.reason_path);
  const reason = typeof rawReason === "string" && rawReason.trim() !== "" ? rawReason.trim().slice(0, 200) : undefined;
  const updatedAt = statusTime(readJsonPath(json, feed.updated_at_path), where, feed.updated_at_path) ?? modifiedMs;
  if (feed.max_age !== undefined && updatedAt !== undefined && ctx.now() - updatedAt > feed.max_age) {
    throw new ProbeFailure(
      "status_feed",
      `${where}: the status is stale: updated ${new Date(updatedAt).toISOString()}, more than max_age (${feed.max_age / 1000} s) ago`,
    );
  }
  ctx.facts.feedStatus = { state: state as StatusFeedState, ...(reason !== undefined ? { reason } : {}) };
  ctx.note(`status ${state}${reason !== undefined ? ` (${reason})` : ""}`);
  if (state === "down") throw new ProbeFailure("status_down", `the status feed says down${reason !== undefined ? `: ${reason}` : ""}`);
};

async function readUrl(check: StatusFeedCheck, url: string, ctx: ProbeContext): Promise<{ text: string; modifiedMs?: number }> {
  const feed = check.status_feed;
  const headers: Record<string, string> = { Accept: "application/json", ...feed.headers };
  if (feed.basic_auth && !hasHeader(feed.headers, "authorization")) {
    headers.Authorization = basicAuthHeader(feed.basic_auth.username, check.secrets.basic_auth_password ?? "");
  }
  const target = new URL(url);
  const response = await exchange(
    { url: target, method: "GET", headers, tls: check.tls, maxBodyBytes: feed.max_bytes, sourceAddress: check.sourceAddress },
    ctx,
  );
  ctx.note(`GET ${target.origin}${target.pathname} -> ${response.status} (${response.body.length} bytes)`);
  expectStatus(response.status, undefined, `GET ${target.pathname}`);
  return { text: response.body.toString("utf8") };
}

async function readFile(file: string, maxBytes: number, ctx: ProbeContext): Promise<{ text: string; modifiedMs: number }> {
  return phase(ctx, "read", async () => {
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (err) {
      throw new ProbeFailure("status_feed", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      const stat = await handle.stat();
      if (stat.size > maxBytes) throw new ProbeFailure("status_feed", `${file} is ${stat.size} bytes, more than max_bytes (${maxBytes})`);
      const text = (await handle.readFile({ signal: ctx.signal })).toString("utf8");
      return { text, modifiedMs: stat.mtimeMs };
    } finally {
      await handle.close();
    }
  });
}

/** The feed's own time stamp (ISO 8601 or Unix seconds), if it has one; a malformed one is the feed's fault. */
function statusTime(value: unknown, where: string, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms))
    throw new ProbeFailure("status_feed", `${where}: expected ${path} to be an ISO 8601 time or Unix seconds, got ${JSON.stringify(value).slice(0, 80)}`);
  return ms;
}
