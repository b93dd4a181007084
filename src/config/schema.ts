import { z } from "zod";
import { configName, intervalTimeoutSchemas, timeoutProblem } from "./schema-parts.js";
import { apiProbeSettings, ftpsProbeSettings, httpProbeSettings, sftpProbeSettings, statusFeedProbeSettings } from "./probe-settings-schema.js";
import { browserProbeSettings } from "./browser-settings-schema.js";
import { maintenanceConfig } from "./maintenance-schema.js";
import { energyDataConfig } from "./energy-data-schema.js";
import { marketFiguresConfig } from "./market-figures-schema.js";
import { objectivesConfig } from "./objectives-schema.js";
import { reportConfig } from "./report-schema.js";
import { SERVICES, type Service } from "./services.js";
import { sourceAddress } from "./source-address.js";

/** The services of the SMT service-level objectives that a check can belong to (defined in services.ts). */
export { SERVICES, type Service };
/** The probe settings live in probe-settings-schema.ts (shared with the energy-data and figure sections). */
export {
  apiProbeSettings,
  apiStep,
  ftpsProbeSettings,
  FTPS_MAX_FILE_AGE,
  httpProbeSettings,
  jsonAssertion,
  outageMessageSettings,
  jsonPathAssertion,
  sftpProbeSettings,
  statusFeedProbeSettings,
  STATUS_FEED_STATES,
  tlsSettings,
  type ApiProbeSettings,
  type ApiStep,
  type FtpsProbeSettings,
  type HttpProbeSettings,
  type JsonAssertion,
  type JsonPathAssertion,
  type OutageMessageSettings,
  type SftpProbeSettings,
  type StatusFeedProbeSettings,
  type StatusFeedState,
  type TlsSettings,
} from "./probe-settings-schema.js";
export { secretSource, type SecretSource } from "./schema-parts.js";

/** How often a check runs: at most every second (a sane load on SMT), at least once a day. */
export const CHECK_INTERVAL = { min: "1s", max: "24h", timer: true } as const;
/** The hard limit of one run (a timer); never longer than the interval either. */
export const CHECK_TIMEOUT = { min: "100ms", max: "1h", timer: true } as const;

const { interval: checkInterval, timeout: checkTimeout } = intervalTimeoutSchemas({ interval: CHECK_INTERVAL, timeout: CHECK_TIMEOUT });
const name = configName;

/** The service whose homepage shows the outage message (http `outage_message`, docs/configuration.md). */
export const HOMEPAGE_SERVICE: Service = "gui";

const checkBase = {
  name,
  service: z.enum(SERVICES),
  interval: checkInterval.optional(),
  timeout: checkTimeout.optional(),
  /**
   * Says on purpose that this check fails when data is late (an FTPS max_file_age, a dated API
   * request asserting data): otherwise check-config warns (availability-freshness.ts, docs/slo.md).
   */
  freshness_is_availability: z.boolean().optional(),
  /**
   * Whether the check's failures count for its service's availability (the minute states, docs/slo.md);
   * absent means true; false keeps a diagnostic check (its series, alerts on it) out of the availability figures.
   */
  counts_for_availability: z.boolean().optional(),
};

export const checkConfig = z.discriminatedUnion("kind", [
  z.strictObject({ ...checkBase, kind: z.literal("http"), http: httpProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("api"), api: apiProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("ftps"), ftps: ftpsProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("sftp"), sftp: sftpProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("browser"), browser: browserProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("status_feed"), status_feed: statusFeedProbeSettings }),
]);
export type CheckConfig = z.infer<typeof checkConfig>;
export type CheckKind = CheckConfig["kind"];

export const exporterConfig = z
  .strictObject({
    listen_address: z.string().default(":9910"),
    location: name.default("default"),
    /** The local address the probes connect from (source-address.ts, docs/ha.md); absent: the system's choice. */
    source_address: sourceAddress.optional(),
    defaults: z.strictObject({ interval: checkInterval.default(30_000), timeout: checkTimeout.default(10_000) }).default({ interval: 30_000, timeout: 10_000 }),
    max_concurrency: z.number().int().positive().default(256),
    checks: z.array(checkConfig).default([]),
    /** Planned maintenance, excluded from availability (docs/maintenance.md). */
    maintenance: maintenanceConfig.prefault({}),
    /** Time to market and data quality of the energy data (docs/energy-data.md). */
    energy_data: energyDataConfig.optional(),
    /** Call-center tickets and HAN devices read from a file drop or an endpoint (docs/market-figures.md). */
    market_figures: marketFiguresConfig.optional(),
    /** Availability targets per service with the date each took effect; read by `smt-monitor report` (docs/report.md). */
    objectives: objectivesConfig.optional(),
    /** What only `smt-monitor report` reads: the issues and change-requests feed (docs/report.md). */
    report: reportConfig.optional(),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    let defaultsFlagged = false;
    cfg.checks.forEach((check, i) => {
      const first = seen.get(check.name);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["checks", i, "name"], message: `duplicate check name "${check.name}" (first at checks[${first}])` });
      } else seen.set(check.name, i);
      if (check.kind === "http" && check.http.outage_message && check.service !== HOMEPAGE_SERVICE) {
        ctx.addIssue({
          code: "custom",
          path: ["checks", i, "http", "outage_message"],
          message: `expected outage_message only on a check of service ${HOMEPAGE_SERVICE} (the SMT homepage is the portal's), not ${check.service}`,
        });
      }
      const interval = check.interval ?? cfg.defaults.interval;
      const timeout = check.timeout ?? cfg.defaults.timeout;
      const problem = timeoutProblem(timeout, interval);
      if (problem !== undefined) {
        // Blame the field that is written: the check's own, or the defaults (once).
        const path =
          check.timeout !== undefined ? ["checks", i, "timeout"] : check.interval !== undefined ? ["checks", i, "interval"] : ["defaults", "timeout"];
        if (path[0] === "defaults" && defaultsFlagged) return;
        defaultsFlagged ||= path[0] === "defaults";
        ctx.addIssue({ code: "custom", path, message: problem });
      }
    });
  });
export type ExporterConfig = z.infer<typeof exporterConfig>;
