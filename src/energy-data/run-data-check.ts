import type { ResolvedDataCheck } from "../config/market-data-load.js";
import { secretRedactor } from "../secrets/redactor.js";
import { FAILURE_REASONS, ProbeFailure, type ProbeContext } from "../probes/probe.js";
import { checkApiData } from "./api-data-check.js";
import { DataFormatFailure, type DataObservation } from "./data-observation.js";
import { checkFtpsData } from "./ftps-data-check.js";
import { checkSftpData } from "./sftp-data-check.js";
import { armTimer } from "../scheduler/timer.js";

/** Why an energy-data check failed: the probes' reasons, plus bad_data (unreadable energy data). */
export const DATA_CHECK_FAILURE_REASONS = [...FAILURE_REASONS, "bad_data"] as const;
export type DataCheckFailureReason = (typeof DATA_CHECK_FAILURE_REASONS)[number];

export interface DataCheckResult {
  success: boolean;
  durationSeconds: number;
  observation?: DataObservation;
  failure?: { reason: DataCheckFailureReason; message: string };
  log: string[];
}

/** Runs an energy-data check once under its hard timeout (its sockets are destroyed when it runs out). */
export async function runDataCheck(
  check: ResolvedDataCheck,
  canaries: readonly string[],
  options: { now?: () => number; signal?: AbortSignal } = {},
): Promise<DataCheckResult> {
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
    now: options.now ?? Date.now,
  };
  const deadline = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(new ProbeFailure("timeout", `timed out after ${check.timeoutMs / 1000} s`)), { once: true });
  });
  deadline.catch(() => {});
  const start = performance.now();
  let observation: DataObservation | undefined;
  let failure: DataCheckResult["failure"];
  try {
    const work =
      check.kind === "ftps"
        ? checkFtpsData(check, canaries, ctx)
        : check.kind === "sftp"
          ? checkSftpData(check, canaries, ctx)
          : checkApiData(check, canaries, ctx);
    work.catch(() => {});
    observation = await Promise.race([work, deadline]);
  } catch (err) {
    if (controller.signal.aborted) failure = { reason: "timeout", message: `timed out after ${check.timeoutMs / 1000} s` };
    else if (err instanceof ProbeFailure) failure = { reason: err.reason, message: err.message };
    else if (err instanceof DataFormatFailure) failure = { reason: "bad_data", message: err.message };
    else failure = { reason: "internal", message: `unexpected error: ${(err as Error).message}` };
    failure.message = secretRedactor.redact(failure.message);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
  return { success: failure === undefined, durationSeconds: (performance.now() - start) / 1000, observation, failure, log };
}
