import { z } from "zod";
import { byteCount, MAX_DATA_FILE_BYTES, MiB } from "./byte-count.js";
import { configName, intervalTimeoutSchemas, timeoutProblem } from "./schema-parts.js";
import { apiProbeSettings, ftpsProbeSettings, sftpProbeSettings } from "./probe-settings-schema.js";
import { DATA_SERVICES, SLO_DELIVERY_DEADLINES, type DeliveryDeadline } from "../energy-data/delivery-deadline.js";
import { FILE_CONTENTS } from "../energy-data/interval-file.js";
import { parseTimeOfDay } from "../maintenance/wall-clock-time.js";
import { ESIID_PATTERN } from "./esiid.js";

/**
 * The `energy_data:` section of the exporter config: time to market and data quality of SMT's energy
 * data (docs/energy-data.md). Data checks are not probes: their results never count against a
 * service's availability, they export their own series (smt_data_*).
 */

/** How often an energy-data check runs (a timer): SMT's data changes a few times a day. */
export const DATA_CHECK_INTERVAL = { min: "1m", max: "24h", timer: true } as const;
/** The hard limit of one energy-data run (a timer): downloads of several files. */
export const DATA_CHECK_TIMEOUT = { min: "1s", max: "1h", timer: true } as const;
const { interval: dataInterval, timeout: dataTimeout } = intervalTimeoutSchemas({ interval: DATA_CHECK_INTERVAL, timeout: DATA_CHECK_TIMEOUT });

const esiid = z.string().regex(ESIID_PATTERN, 'expected an ESIID of 17 digits (22 for CenterPoint) starting with "10", quoted');

const deadline = z.strictObject({
  days_after: z.number().int().min(0).max(7),
  at: z.string().superRefine((text, ctx) => {
    if (!parseTimeOfDay(text)) ctx.addIssue({ code: "custom", message: `expected a local time "HH:MM", got "${text}"` });
  }),
});

const files = z.strictObject({
  /** How many of the newest matching files are downloaded and read, newest first. */
  max_files: z.number().int().min(1).max(31).default(3),
  /** Larger files fail the check (reason ftp_transfer), so a huge file cannot exhaust memory. */
  max_bytes: byteCount(64 * MiB, MAX_DATA_FILE_BYTES),
  content: z.enum(FILE_CONTENTS).default("armored_base64"),
  /** A command reading the file on stdin and writing the CSV on stdout, e.g. [gpg, --batch, --decrypt]. */
  decrypt_command: z.array(z.string().min(1)).min(1).optional(),
});

const checkBase = {
  name: configName,
  /** Whose deadline applies: ftps (23:00 on D+1), gui or api (06:00 on D+2). */
  service: z.enum(DATA_SERVICES),
  interval: dataInterval.optional(),
  timeout: dataTimeout.optional(),
};

const ftpsCheck = z.strictObject({ ...checkBase, kind: z.literal("ftps"), ftps: ftpsProbeSettings, files: files.prefault({}) }).superRefine((c, ctx) => {
  for (const field of ["max_file_age", "download"] as const) {
    if (c.ftps[field] !== undefined) {
      ctx.addIssue({ code: "custom", path: ["ftps", field], message: `not used by energy-data checks (files: says what is downloaded); remove it` });
    }
  }
});
/** The same check over SFTP, SMT's file delivery since September 2025 (the host key pinned as for a probe). */
const sftpCheck = z.strictObject({ ...checkBase, kind: z.literal("sftp"), sftp: sftpProbeSettings, files: files.prefault({}) }).superRefine((c, ctx) => {
  for (const field of ["max_file_age", "download"] as const) {
    if (c.sftp[field] !== undefined) {
      ctx.addIssue({ code: "custom", path: ["sftp", field], message: `not used by energy-data checks (files: says what is downloaded); remove it` });
    }
  }
});
const apiCheck = z.strictObject({
  ...checkBase,
  kind: z.literal("api"),
  api: apiProbeSettings,
  /** Where the last step's JSON answer holds SMT's energyData list. */
  energy_data_path: z.string().min(1).default("energyData"),
});
const dataCheck = z.discriminatedUnion("kind", [ftpsCheck, sftpCheck, apiCheck]);

/** The section's zod schema (optional in the exporter config). */
export const energyDataConfig = z
  .strictObject({
    /** The canary meters whose data is checked; every one must have a day for it to count as delivered. */
    canary_esiids: z
      .array(esiid)
      .min(1)
      .max(100)
      .transform((list) => [...new Set(list)]),
    interval: dataInterval.default(15 * 60_000),
    timeout: dataTimeout.default(60_000),
    deadlines: z
      .strictObject({
        gui: deadline.default({ ...SLO_DELIVERY_DEADLINES.gui }),
        api: deadline.default({ ...SLO_DELIVERY_DEADLINES.api }),
        ftps: deadline.default({ ...SLO_DELIVERY_DEADLINES.ftps }),
      })
      .prefault({}),
    checks: z.array(dataCheck).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.checks.forEach((check, i) => {
      const first = seen.get(check.name);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: ["checks", i, "name"], message: `duplicate energy-data check name "${check.name}" (first at checks[${first}])` });
      else seen.set(check.name, i);
      const interval = check.interval ?? cfg.interval;
      const timeout = check.timeout ?? cfg.timeout;
      const problem = timeoutProblem(timeout, interval);
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["checks", i, check.timeout !== undefined ? "timeout" : "interval"], message: problem });
    });
  });

export type EnergyDataConfig = z.infer<typeof energyDataConfig>;
export type DataCheckConfig = EnergyDataConfig["checks"][number];
export type { DeliveryDeadline };
