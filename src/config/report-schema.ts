import { z } from "zod";
import { byteCount, MAX_DATA_FILE_BYTES, MiB } from "./byte-count.js";
import { durationSchema } from "./schema-parts.js";
import { apiProbeSettings } from "./probe-settings-schema.js";
import { SOURCE_FORMATS } from "./market-figures-schema.js";

/**
 * The `report:` section of the exporter config, read only by `smt-monitor report` (the exporter
 * ignores it): the feed of market issues and change requests (issue 9 item 8), a file drop or HTTP
 * steps like a `market_figures` source (docs/market-figures.md), read once per report run.
 */

/** The hard limit of reading the feed once (a timer). */
export const ISSUES_FEED_TIMEOUT = { min: "1s", max: "1h", timer: true } as const;

export const issuesFeed = z
  .strictObject({
    /** A file (relative paths: to the config file)… */
    file: z.string().min(1).optional(),
    /** …or HTTP steps as for `kind: api` checks: the last step's body is the feed. */
    http: apiProbeSettings.optional(),
    /** Default: from the file's extension or the answer's content type. */
    format: z.enum(SOURCE_FORMATS).optional(),
    max_bytes: byteCount(16 * MiB, MAX_DATA_FILE_BYTES),
    timeout: durationSchema(ISSUES_FEED_TIMEOUT).default(30_000),
  })
  .superRefine((s, ctx) => {
    if ((s.file === undefined) === (s.http === undefined)) ctx.addIssue({ code: "custom", message: "expected exactly one of file or http" });
  });

export const reportConfig = z.strictObject({
  /** Market issues and change requests per service (id, service, opened, closed, kind, status, title). */
  issues: issuesFeed.optional(),
});

export type IssuesFeedConfig = z.infer<typeof issuesFeed>;
export type ReportConfig = z.infer<typeof reportConfig>;
