import { z } from "zod";
import { byteCount, DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES } from "./byte-count.js";
import { durationSchema, formatDuration } from "./schema-parts.js";
import { patternError } from "./pattern.js";
import { maintenanceConfig } from "./maintenance-schema.js";
import { energyDataConfig } from "./energy-data-schema.js";
import { marketFiguresConfig } from "./market-figures-schema.js";
import { SERVICES, type Service } from "./services.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/** The services of the SMT service-level objectives that a check can belong to (defined in services.ts). */
export { SERVICES, type Service };

/** How often a check runs: at most every second (a sane load on SMT), at least once a day. */
export const CHECK_INTERVAL = { min: "1s", max: "24h", timer: true } as const;
/** The hard limit of one run (a timer); never longer than the interval either. */
export const CHECK_TIMEOUT = { min: "100ms", max: "1h", timer: true } as const;
/** How old the newest file on an FTPS check may be (compared with the clock, not a timer). */
export const FTPS_MAX_FILE_AGE = { min: "1m", max: "90d" } as const;

const checkInterval = durationSchema(CHECK_INTERVAL);
const checkTimeout = durationSchema(CHECK_TIMEOUT);

const pattern = z.string().superRefine((text, ctx) => {
  const error = patternError(text);
  if (error) ctx.addIssue({ code: "custom", message: `expected a regular expression (RE2 syntax): ${error}` });
});

const httpUrl = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: `expected an absolute http:// or https:// URL, got "${text}"` });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: `expected an http:// or https:// URL, got "${url.protocol}"` });
  }
  if (url.username || url.password) {
    ctx.addIssue({ code: "custom", message: "credentials in URLs are not accepted: use basic_auth or secrets" });
  }
});

const name = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_.-]*$/, "expected a name of letters, digits, '_', '.' and '-', starting with a letter");

/** Where a secret comes from: an environment variable or a file (relative paths: to the config file). */
export const secretSource = z
  .strictObject({ env: z.string().min(1).optional(), file: z.string().min(1).optional() })
  .refine((s) => (s.env === undefined) !== (s.file === undefined), {
    message: "expected exactly one of env or file",
  });
export type SecretSource = z.infer<typeof secretSource>;

const inlineSecretForbidden = (field: string) => ({
  message: `inline secrets are not accepted: use ${field}_env or ${field}_file`,
});

const passwordFields = {
  password: z.undefined(inlineSecretForbidden("password")).optional(),
  password_env: z.string().min(1).optional(),
  password_file: z.string().min(1).optional(),
};

function exactlyOnePassword(v: { password_env?: string; password_file?: string }, ctx: z.RefinementCtx) {
  if ((v.password_env === undefined) === (v.password_file === undefined)) {
    ctx.addIssue({ code: "custom", message: "expected exactly one of password_env or password_file" });
  }
}

export const tlsSettings = z.strictObject({
  ca_file: z.string().optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  server_name: z.string().optional(),
  insecure_skip_verify: z.boolean().default(false),
  min_version: z.enum(["TLSv1.2", "TLSv1.3"]).optional(),
}).superRefine((t, ctx) => {
  if ((t.cert_file === undefined) !== (t.key_file === undefined)) {
    ctx.addIssue({ code: "custom", message: "expected cert_file and key_file together (mutual TLS needs both)" });
  }
});
export type TlsSettings = z.infer<typeof tlsSettings>;

const basicAuth = z
  .strictObject({ username: z.string().min(1), ...passwordFields })
  .superRefine(exactlyOnePassword);

const statusCodes = z.array(z.number().int().min(100).max(599)).min(1);
const headers = z.record(z.string(), z.string());
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected an HTTP header name such as X-Api-Key");

export const httpProbeSettings = z.strictObject({
  url: httpUrl,
  method: z.enum(["GET", "HEAD", "POST", "PUT", "OPTIONS"]).default("GET"),
  headers: headers.default({}),
  body: z.string().optional(),
  valid_status_codes: statusCodes.optional(),
  body_must_match: z.array(pattern).default([]),
  body_must_not_match: z.array(pattern).default([]),
  max_redirects: z.number().int().min(0).max(20).default(5),
  /** Configured headers (any case) still sent after a redirect to another origin; all others are dropped. */
  redirect_keep_headers: z.array(headerName).default([]),
  /** Whether an https URL may redirect to an http one (refused with reason "redirect" otherwise). */
  allow_insecure_redirect: z.boolean().default(false),
  max_body_bytes: byteCount(DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES),
  basic_auth: basicAuth.optional(),
  tls: tlsSettings.default({ insecure_skip_verify: false }),
});
export type HttpProbeSettings = z.infer<typeof httpProbeSettings>;

export const jsonAssertion = z
  .strictObject({
    path: z.string().min(1),
    exists: z.boolean().optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    matches: pattern.optional(),
    less_than: z.number().optional(),
    greater_than: z.number().optional(),
  })
  .refine(
    (a) =>
      [a.exists, a.equals, a.matches, a.less_than, a.greater_than].filter((x) => x !== undefined).length === 1,
    { message: "expected exactly one of exists, equals, matches, less_than, greater_than" },
  );
export type JsonAssertion = z.infer<typeof jsonAssertion>;

export const apiStep = z
  .strictObject({
    name,
    method: z.enum(["GET", "POST", "PUT", "DELETE", "PATCH"]).default("GET"),
    url: z.string().min(1),
    headers: headers.default({}),
    json: z.unknown().optional(),
    body: z.string().optional(),
    valid_status_codes: statusCodes.default([200]),
    body_must_match: z.array(pattern).default([]),
    body_must_not_match: z.array(pattern).default([]),
    assert: z.array(jsonAssertion).default([]),
    extract: z.record(name, z.string().min(1)).default({}),
    max_body_bytes: byteCount(DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES),
  })
  .refine((s) => s.json === undefined || s.body === undefined, { message: "expected json or body, not both" });
export type ApiStep = z.infer<typeof apiStep>;

export const apiProbeSettings = z
  .strictObject({
    secrets: z.record(name, secretSource).default({}),
    tls: tlsSettings.default({ insecure_skip_verify: false }),
    basic_auth: basicAuth.optional(),
    steps: z.array(apiStep).min(1),
  })
  .superRefine((api, ctx) => {
    const seen = new Set<string>();
    api.steps.forEach((step, i) => {
      if (seen.has(step.name)) ctx.addIssue({ code: "custom", path: ["steps", i, "name"], message: `duplicate step name "${step.name}"` });
      seen.add(step.name);
    });
  });
export type ApiProbeSettings = z.infer<typeof apiProbeSettings>;

export const ftpsProbeSettings = z
  .strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(21),
    tls_mode: z.enum(["explicit", "implicit"]).default("explicit"),
    username: z.string().min(1),
    ...passwordFields,
    tls: tlsSettings.default({ insecure_skip_verify: false }),
    directory: z.string().default("/"),
    file_pattern: pattern,
    file_time: z.enum(["name", "mtime"]).default("mtime"),
    file_time_format: z.string().default("yyyyMMddHHmmss"),
    file_time_zone: z.string().default(CENTRAL_TIME_ZONE),
    max_file_age: durationSchema(FTPS_MAX_FILE_AGE).optional(),
    download: z.strictObject({ max_bytes: byteCount(DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES) }).optional(),
  })
  .superRefine(exactlyOnePassword)
  .superRefine((f, ctx) => {
    if (f.file_time === "name" && !/\(\?P?<ts>/.test(f.file_pattern)) {
      ctx.addIssue({
        code: "custom",
        path: ["file_pattern"],
        message: 'expected a named group (?<ts>...) holding the time stamp, because file_time is "name"',
      });
    }
  });
export type FtpsProbeSettings = z.infer<typeof ftpsProbeSettings>;

const checkBase = {
  name,
  service: z.enum(SERVICES),
  interval: checkInterval.optional(),
  timeout: checkTimeout.optional(),
};

export const checkConfig = z.discriminatedUnion("kind", [
  z.strictObject({ ...checkBase, kind: z.literal("http"), http: httpProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("api"), api: apiProbeSettings }),
  z.strictObject({ ...checkBase, kind: z.literal("ftps"), ftps: ftpsProbeSettings }),
]);
export type CheckConfig = z.infer<typeof checkConfig>;
export type CheckKind = CheckConfig["kind"];

export const exporterConfig = z
  .strictObject({
    listen_address: z.string().default(":9910"),
    location: name.default("default"),
    defaults: z
      .strictObject({ interval: checkInterval.default(30_000), timeout: checkTimeout.default(10_000) })
      .default({ interval: 30_000, timeout: 10_000 }),
    max_concurrency: z.number().int().positive().default(256),
    checks: z.array(checkConfig).default([]),
    /** Planned maintenance, excluded from availability (docs/maintenance.md). */
    maintenance: maintenanceConfig.prefault({}),
    /** Time to market and data quality of the energy data (docs/energy-data.md). */
    energy_data: energyDataConfig.optional(),
    /** Call-center tickets and HAN devices read from a file drop or an endpoint (docs/market-figures.md). */
    market_figures: marketFiguresConfig.optional(),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    let defaultsFlagged = false;
    cfg.checks.forEach((check, i) => {
      const first = seen.get(check.name);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["checks", i, "name"], message: `duplicate check name "${check.name}" (first at checks[${first}])` });
      } else seen.set(check.name, i);
      const interval = check.interval ?? cfg.defaults.interval;
      const timeout = check.timeout ?? cfg.defaults.timeout;
      if (timeout > interval) {
        // Blame the field that is written: the check's own, or the defaults (once).
        const path = check.timeout !== undefined ? ["checks", i, "timeout"] : check.interval !== undefined ? ["checks", i, "interval"] : ["defaults", "timeout"];
        if (path[0] === "defaults" && defaultsFlagged) return;
        defaultsFlagged ||= path[0] === "defaults";
        ctx.addIssue({ code: "custom", path, message: `expected a timeout (${formatDuration(timeout)}) no longer than the interval (${formatDuration(interval)})` });
      }
    });
  });
export type ExporterConfig = z.infer<typeof exporterConfig>;
