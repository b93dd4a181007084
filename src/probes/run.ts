import type { ResolvedCheck } from "../config/load.js";
import { secretRedactor } from "../secrets/redactor.js";
import { probeApi } from "./api.js";
import { probeBrowser } from "./browser.js";
import { probeFtps } from "./ftps.js";
import { probeHttp } from "./http.js";
import { probeSftp } from "./sftp.js";
import { probeStatusFeed } from "./status-feed.js";
import { ProbeFailure, type Prober, type ProbeContext, type ProbeResult } from "./probe.js";
import { armTimer } from "../scheduler/timer.js";

/** The probers by kind: a new protocol is a new file and one line here. */
const PROBERS: { [K in ResolvedCheck["kind"]]: Prober<Extract<ResolvedCheck, { kind: K }>> } = {
  http: probeHttp,
  api: probeApi,
  ftps: probeFtps,
  sftp: probeSftp,
  browser: probeBrowser,
  status_feed: probeStatusFeed,
};

export interface RunOptions {
  now?: () => number;
  /** Cancels the run early (shutdown, reload); the check's own timeout always applies. */
  signal?: AbortSignal;
  /** The data directory: browser checks keep the evidence of their last failure under it. */
  dataDir?: string;
}

/**
 * Runs a check once under its hard timeout. The timeout aborts the prober's signal, which
 * destroys its sockets; the result never waits past the timeout.
 */
export async function runCheck(check: ResolvedCheck, options: RunOptions = {}): Promise<ProbeResult> {
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  const timer = armTimer(check.timeoutMs, () => controller.abort());
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const log: string[] = [];
  const ctx: ProbeContext = {
    signal: controller.signal,
    phases: {},
    facts: {},
    note: (line) => log.push(secretRedactor.redact(line)),
    now,
    ...(options.dataDir !== undefined ? { evidenceDir: options.dataDir } : {}),
  };
  const start = performance.now();
  let failure: ProbeResult["failure"];
  const deadline = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(new ProbeFailure("timeout", `timed out after ${check.timeoutMs / 1000} s`)), { once: true });
  });
  deadline.catch(() => {});
  try {
    const prober = PROBERS[check.kind] as Prober;
    await Promise.race([prober(check, ctx), deadline]);
  } catch (err) {
    if (err instanceof ProbeFailure) {
      failure = { reason: controller.signal.aborted ? "timeout" : err.reason, message: err.message };
      if (controller.signal.aborted && err.reason !== "timeout") failure.message = `timed out after ${check.timeoutMs / 1000} s (${err.message})`;
    } else {
      failure = { reason: "internal", message: `unexpected error: ${(err as Error).message}` };
    }
    failure.message = secretRedactor.redact(failure.message);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
  const durationSeconds = (performance.now() - start) / 1000;
  return {
    success: failure === undefined,
    durationSeconds,
    phases: ctx.phases,
    failure,
    certNotAfter: ctx.facts.certNotAfter,
    newestFileTime: ctx.facts.newestFileTime,
    outageMessageShown: ctx.facts.outageMessageShown,
    ...(ctx.facts.feedStatus !== undefined ? { feedStatus: ctx.facts.feedStatus } : {}),
    ...(ctx.facts.browserEvidence !== undefined && failure !== undefined ? { browserEvidence: ctx.facts.browserEvidence } : {}),
    log,
  };
}
