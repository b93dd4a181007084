import { z } from "zod";
import { byteCount, MAX_DATA_FILE_BYTES, MiB } from "./byte-count.js";
import { configName, intervalTimeoutSchemas, timeoutProblem } from "./schema-parts.js";
import { apiProbeSettings } from "./probe-settings-schema.js";
import { DEFAULT_TDSP_PREFIXES, TDSP_TERRITORIES } from "../market-figures/tdsp-territory.js";

/**
 * The `market_figures:` section of the exporter config: the call-center and HAN figures the SLO
 * document asks to report (tickets by month and by type; HAN devices by status and by TDSP
 * territory), read from a file drop or an HTTP endpoint (docs/market-figures.md).
 */

export const FIGURE_KINDS = ["call_center_tickets", "han_devices"] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];
export const SOURCE_FORMATS = ["csv", "json"] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** How often every figure source is read (a timer). */
export const FIGURE_SOURCE_INTERVAL = { min: "10s", max: "24h", timer: true } as const;
/** The hard limit of one read of a source (a timer). */
export const FIGURE_SOURCE_TIMEOUT = { min: "1s", max: "1h", timer: true } as const;
const { interval: sourceInterval, timeout: sourceTimeout } = intervalTimeoutSchemas({ interval: FIGURE_SOURCE_INTERVAL, timeout: FIGURE_SOURCE_TIMEOUT });

const prefixList = z.array(z.string().regex(/^\d{3,12}$/, "expected an ESIID prefix of digits, quoted")).min(1);

const source = z
  .strictObject({
    name: configName,
    figure: z.enum(FIGURE_KINDS),
    /** A file drop (relative to the config file), re-read at each interval… */
    file: z.string().min(1).optional(),
    /** …or HTTP steps as for `kind: api` checks: the last step's body is the data. */
    http: apiProbeSettings.optional(),
    /** Default: from the file's extension or the answer's content type. */
    format: z.enum(SOURCE_FORMATS).optional(),
    max_bytes: byteCount(16 * MiB, MAX_DATA_FILE_BYTES),
  })
  .superRefine((s, ctx) => {
    if ((s.file === undefined) === (s.http === undefined)) ctx.addIssue({ code: "custom", message: "expected exactly one of file or http" });
  });

/** The section's zod schema (optional in the exporter config). */
export const marketFiguresConfig = z
  .strictObject({
    interval: sourceInterval.default(5 * 60_000),
    timeout: sourceTimeout.default(30_000),
    /** Call-center months exported: the current month and this many before it. */
    months: z.number().int().min(1).max(36).default(13),
    tdsp_prefixes: z
      .strictObject(
        Object.fromEntries(TDSP_TERRITORIES.map((t) => [t, prefixList.default([...DEFAULT_TDSP_PREFIXES[t]])])) as {
          [K in (typeof TDSP_TERRITORIES)[number]]: z.ZodDefault<typeof prefixList>;
        },
      )
      .prefault({}),
    sources: z.array(source).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.sources.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: ["sources", i, "name"], message: `duplicate source name "${s.name}" (first at sources[${first}])` });
      else seen.set(s.name, i);
    });
    const problem = timeoutProblem(cfg.timeout, cfg.interval);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["timeout"], message: problem });
  });

export type MarketFiguresConfig = z.infer<typeof marketFiguresConfig>;
export type FigureSourceConfig = MarketFiguresConfig["sources"][number];
