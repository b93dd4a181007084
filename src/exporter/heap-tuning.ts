import { setFlagsFromString } from "node:v8";

/**
 * V8 heap settings for the exporter's allocation pattern: many short-lived objects per probe (sockets,
 * TLS state, buffers, results) around a small live heap (about 30 MB for 1,000 checks).
 *
 * - `--heap-growing-percent=20`: a full GC once the old generation has grown 20 % over what survived the
 *   last one, instead of V8's default factor of 1.1-4, which lets dead objects fill 2-4 times the live size.
 *   A soft target that grows with the live heap, never a cap: a config with more checks still fits.
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial size instead of doubling up
 *   to 2 x 16 MiB under a steady allocation rate.
 *
 * Both are read by V8 at each GC, so setting them at start-up takes effect (unlike the heap size limits,
 * which are fixed when the isolate is created). bench/scale.mjs measures the effect (docs/performance.md).
 * A flag the operator gives on Node's command line (`node --heap-growing-percent=50 ...`) wins; NODE_OPTIONS is
 * read too, for flags Node allows there (it refuses these two).
 */
export const EXPORTER_HEAP_FLAGS = ["--heap-growing-percent=20", "--semi-space-growth-factor=1"] as const;

const flagName = (flag: string): string => flag.split("=")[0]!.replace(/_/g, "-");

/** The exporter's heap flags the operator has not set already. */
export function heapFlagsToApply(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? "").split(/\s+/)].filter((a) => a.startsWith("--")).map(flagName));
  return EXPORTER_HEAP_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/** Applies the exporter's heap flags to this process; returns the ones applied. */
export function tuneExporterHeap(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): string[] {
  const flags = heapFlagsToApply(execArgv, nodeOptions);
  if (flags.length > 0) setFlagsFromString(flags.join(" "));
  return flags;
}
