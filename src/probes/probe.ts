import type { BrowserEvidence } from "./browser-evidence.js";
import type { ResolvedCheck } from "../config/load.js";
import type { StatusFeedState } from "../config/probe-settings-schema.js";

/**
 * Why a probe failed: a fixed set, so that `smt_probe_failures_total{reason}` has bounded
 * cardinality and alerts and dashboards can rely on the values (documented in docs/metrics.md).
 */
export const FAILURE_REASONS = [
  "dns",
  "connect",
  "tls",
  "timeout",
  "http_status",
  "redirect",
  "body_mismatch",
  "body_too_large",
  "json_assertion",
  "auth",
  "ftp_login",
  "ftp_list",
  "ftp_transfer",
  "ssh_host_key",
  "sftp_auth",
  "sftp_list",
  "sftp_transfer",
  "no_file",
  "stale_file",
  "status_down",
  "status_feed",
  "protocol",
  "browser_navigation",
  "browser_script_error",
  "browser_request_failed",
  "browser_step",
  "internal",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** A probe's outcome; phases in seconds, keyed by phase name (see docs/metrics.md). */
export interface ProbeResult {
  success: boolean;
  durationSeconds: number;
  phases: Record<string, number>;
  failure?: { reason: FailureReason; message: string };
  /** Earliest notAfter (Unix seconds) of the certificate chain the server presented. */
  certNotAfter?: number;
  /** Time stamp (Unix seconds) of the newest file matching an FTPS or SFTP check's pattern. */
  newestFileTime?: number;
  /** http checks with `outage_message`: whether the homepage showed it; undefined when the homepage did not answer. */
  outageMessageShown?: boolean;
  /** What a status_feed check read: the state and its reason; absent when the feed said nothing usable. */
  feedStatus?: FeedStatus;
  /** Debug lines, like blackbox_exporter's debug output; printed by `smt-monitor probe`. */
  log: string[];
  /** Browser checks that failed: the screenshot and console log kept of this failure (browser-evidence.ts). */
  browserEvidence?: BrowserEvidence;
}

/** A status feed's state and reason (status_feed checks). */
export interface FeedStatus {
  state: StatusFeedState;
  reason?: string;
}

/** A failure that carries its reason; probes throw it, the runner turns it into a result. */
export class ProbeFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = "ProbeFailure";
  }
}

/** What a probe gets besides its check: a hard deadline signal and a place to note details. */
export interface ProbeContext {
  signal: AbortSignal;
  /** Phase timings in seconds; a probe fills them in as it goes, so a timeout keeps the finished ones. */
  phases: Record<string, number>;
  note(line: string): void;
  /** Facts a probe observed (certificate expiry, newest file) even if it later fails. */
  facts: { certNotAfter?: number; newestFileTime?: number; outageMessageShown?: boolean; feedStatus?: FeedStatus; browserEvidence?: BrowserEvidence };
  now(): number;
  /** Where browser checks keep the evidence of their last failure (`--data-dir`); none kept when absent. */
  evidenceDir?: string;
}

/** One function per kind, one shape for all: a new protocol is a new file and one line in the registry. */
export type Prober<C extends ResolvedCheck = ResolvedCheck> = (check: C, ctx: ProbeContext) => Promise<void>;

/** Times an async phase and records it under `name`, also when it fails. */
export async function phase<T>(ctx: ProbeContext, name: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    ctx.phases[name] = (ctx.phases[name] ?? 0) + (performance.now() - start) / 1000;
  }
}
