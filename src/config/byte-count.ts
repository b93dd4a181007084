import { z } from "zod";

import { formatByteLimit, MiB } from "./byte-units.js";

export { KiB, MiB, formatByteLimit } from "./byte-units.js";

/** The default of a probe step's max_body_bytes and of an FTPS probe's download.max_bytes. */
export const DEFAULT_PROBE_BODY_BYTES = MiB;

/** The upper bound of a probe step's max_body_bytes and of an FTPS probe's download.max_bytes. */
export const MAX_PROBE_BODY_BYTES = 64 * MiB;
/** The upper bound of a figure source's and an energy-data check's max_bytes (files read whole). */
export const MAX_DATA_FILE_BYTES = 256 * MiB;

/**
 * A byte cap read from the config: a whole number from `minBytes` (1 unless given) to `maxBytes`,
 * `defaultBytes` when absent. The upper bound keeps a config from undoing the cap (a peer's answer
 * is held in memory).
 */
export function byteCount(defaultBytes: number, maxBytes: number, minBytes = 1) {
  return z
    .number()
    .superRefine((n, ctx) => {
      if (!Number.isInteger(n) || n < minBytes || n > maxBytes) {
        ctx.addIssue({ code: "custom", message: `expected a whole number of bytes from ${minBytes} to ${maxBytes} (${formatByteLimit(maxBytes)}), got ${n}` });
      }
    })
    .default(defaultBytes);
}
