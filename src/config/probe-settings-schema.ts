import { z } from "zod";
import { byteCount, DEFAULT_PROBE_BODY_BYTES, KiB, MAX_PROBE_BODY_BYTES } from "./byte-count.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { patternError } from "./pattern.js";
import { configName, durationSchema, exactlyOneSecret, httpUrlSchema, secretFields, secretSource } from "./schema-parts.js";

/**
 * The settings of the probes (http, api, ftps) and of their TLS: used by the exporter's checks
 * (schema.ts), the energy-data checks and the figure sources. A module of its own so that the
 * sections reuse them without importing schema.ts, which plugs the sections in.
 */

/** How old the newest file on an FTPS check may be (compared with the clock, not a timer). */
export const FTPS_MAX_FILE_AGE = { min: "1m", max: "90d" } as const;

const pattern = z.string().superRefine((text, ctx) => {
  const error = patternError(text);
  if (error) ctx.addIssue({ code: "custom", message: `expected a regular expression (RE2 syntax): ${error}` });
});

const httpUrl = httpUrlSchema("use basic_auth or secrets");
const name = configName;

/** A password named by password_env or password_file, never inline. */
const passwordFields = secretFields("password");
const exactlyOnePassword = exactlyOneSecret("password");

export const tlsSettings = z
  .strictObject({
    ca_file: z.string().optional(),
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    server_name: z.string().optional(),
    insecure_skip_verify: z.boolean().default(false),
    min_version: z.enum(["TLSv1.2", "TLSv1.3"]).optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.cert_file === undefined) !== (t.key_file === undefined)) {
      ctx.addIssue({ code: "custom", message: "expected cert_file and key_file together (mutual TLS needs both)" });
    }
  });
export type TlsSettings = z.infer<typeof tlsSettings>;

const basicAuth = z.strictObject({ username: z.string().min(1), ...passwordFields }).superRefine(exactlyOnePassword);

const statusCodes = z.array(z.number().int().min(100).max(599)).min(1);
const headers = z.record(z.string(), z.string());
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected an HTTP header name such as X-Api-Key");

/**
 * The homepage outage message (seed 3.3: "The SMT homepage will display a message during outages"):
 * whether the page the check fetches (or `url`, fetched once per run) shows it. Recorded as
 * smt_homepage_outage_message_shown; the rules decide when it matters (docs/configuration.md).
 */
export const outageMessageSettings = z.strictObject({
  /** RE2, run against the page's body (at most max_body_bytes of it). */
  pattern,
  /** The homepage, when the check itself fetches another page; fetched with GET, without the check's headers or credentials. */
  url: httpUrlSchema("the homepage is public: no credentials").optional(),
  /** The most of the homepage read at `url` (default: the check's max_body_bytes; the check's own page is bounded by that). */
  max_body_bytes: byteCount(DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES).unwrap().optional(),
});
export type OutageMessageSettings = z.infer<typeof outageMessageSettings>;

export const httpProbeSettings = z
  .strictObject({
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
    outage_message: outageMessageSettings.optional(),
  })
  .superRefine((http, ctx) => {
    // One request, one Authorization header: both would send two, and servers pick either.
    const own = Object.keys(http.headers).find((key) => key.toLowerCase() === "authorization");
    if (http.basic_auth && own !== undefined) {
      ctx.addIssue({ code: "custom", path: ["headers", own], message: "expected either basic_auth or an Authorization header, not both" });
    }
    const message = http.outage_message;
    if (message && message.url === undefined) {
      if (http.method === "HEAD") {
        ctx.addIssue({
          code: "custom",
          path: ["outage_message", "url"],
          message: "expected the homepage's url: a HEAD answer has no body to find the message in",
        });
      }
      if (message.max_body_bytes !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["outage_message", "max_body_bytes"],
          message: "expected max_body_bytes only with url: the check's own page is bounded by the check's max_body_bytes",
        });
      }
    }
  });
export type HttpProbeSettings = z.infer<typeof httpProbeSettings>;

const ASSERTION_TESTS = ["exists", "equals", "matches", "less_than", "greater_than"] as const;

/** One test on one JSON path: the parts an assertion and each alternative of `any_of` share. */
const assertionTests = {
  exists: z.boolean().optional(),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  matches: pattern.optional(),
  less_than: z.number().optional(),
  greater_than: z.number().optional(),
};
const countTests = (a: Partial<Record<(typeof ASSERTION_TESTS)[number], unknown>>) => ASSERTION_TESTS.filter((t) => a[t] !== undefined).length;

/** One alternative of `any_of`: a path and exactly one test. */
export const jsonPathAssertion = z
  .strictObject({ path: z.string().min(1), ...assertionTests })
  .refine((a) => countTests(a) === 1, { message: `expected exactly one of ${ASSERTION_TESTS.join(", ")}` });
export type JsonPathAssertion = z.infer<typeof jsonPathAssertion>;

/**
 * An assertion on a step's JSON answer: a path and exactly one test, or `any_of` (at least two
 * path assertions, one of which must hold), e.g. "energyData is there, or SMT answered errorCode 1,
 * no data yet": the shape of an availability check that late data cannot fail (docs/slo.md).
 */
export const jsonAssertion = z
  .strictObject({ path: z.string().min(1).optional(), ...assertionTests, any_of: z.array(jsonPathAssertion).min(2).optional() })
  .superRefine((a, ctx) => {
    const tests = countTests(a);
    if (a.any_of !== undefined) {
      if (tests > 0 || a.path !== undefined) ctx.addIssue({ code: "custom", message: "expected any_of alone, without path or a test beside it" });
      return;
    }
    if (a.path === undefined) ctx.addIssue({ code: "custom", path: ["path"], message: "expected a JSON path (or any_of)" });
    if (tests !== 1) ctx.addIssue({ code: "custom", message: `expected exactly one of ${ASSERTION_TESTS.join(", ")}, any_of` });
  });
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

/** How a newest file is picked on a file-delivery site (ftps and sftp alike). */
const newestFileFields = {
  directory: z.string().default("/"),
  file_pattern: pattern,
  file_time: z.enum(["name", "mtime"]).default("mtime"),
  file_time_format: z.string().default("yyyyMMddHHmmss"),
  file_time_zone: z.string().default(CENTRAL_TIME_ZONE),
  max_file_age: durationSchema(FTPS_MAX_FILE_AGE).optional(),
  download: z.strictObject({ max_bytes: byteCount(DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES) }).optional(),
};

function timeStampGroup(f: { file_time: "name" | "mtime"; file_pattern: string }, ctx: z.RefinementCtx): void {
  if (f.file_time === "name" && !/\(\?P?<ts>/.test(f.file_pattern)) {
    ctx.addIssue({
      code: "custom",
      path: ["file_pattern"],
      message: 'expected a named group (?<ts>...) holding the time stamp, because file_time is "name"',
    });
  }
}

export const ftpsProbeSettings = z
  .strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(21),
    tls_mode: z.enum(["explicit", "implicit"]).default("explicit"),
    username: z.string().min(1),
    ...passwordFields,
    tls: tlsSettings.default({ insecure_skip_verify: false }),
    ...newestFileFields,
  })
  .superRefine(exactlyOnePassword)
  .superRefine(timeStampGroup);
export type FtpsProbeSettings = z.infer<typeof ftpsProbeSettings>;

/** OpenSSH's fingerprint form: "SHA256:" and the unpadded base64 of the key blob's SHA-256 (43 characters). */
export const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const hostKeyFingerprint = z
  .string()
  .transform((text) => text.replace(/=$/, ""))
  .refine((text) => SSH_FINGERPRINT.test(text), { message: 'expected an OpenSSH fingerprint "SHA256:" followed by 43 base64 characters (ssh-keygen -lf KEY)' });

export const sftpProbeSettings = z
  .strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1),
    ...passwordFields,
    ...secretFields("private_key"),
    ...secretFields("passphrase"),
    /** The server's host key, pinned: one fingerprint or a list (a key rollover), or a known_hosts file. */
    host_key_sha256: z.union([hostKeyFingerprint, z.array(hostKeyFingerprint).min(1)]).optional(),
    known_hosts: z.string().min(1).optional(),
    ...newestFileFields,
  })
  .superRefine((s, ctx) => {
    const password = s.password_env !== undefined || s.password_file !== undefined;
    const key = s.private_key_env !== undefined || s.private_key_file !== undefined;
    if (password === key)
      ctx.addIssue({ code: "custom", message: "expected exactly one way to log in: password_env or password_file, or private_key_env or private_key_file" });
    if (password) exactlyOnePassword(s, ctx);
    if (key) exactlyOneSecret("private_key")(s, ctx);
    exactlyOneSecret("passphrase", { optional: true })(s, ctx);
    if (!key && (s.passphrase_env !== undefined || s.passphrase_file !== undefined)) {
      ctx.addIssue({ code: "custom", message: "expected passphrase_env or passphrase_file only with a private key (private_key_env or private_key_file)" });
    }
    if ((s.host_key_sha256 === undefined) === (s.known_hosts === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "expected exactly one of host_key_sha256 or known_hosts: the server's host key is pinned, never accepted unseen",
      });
    }
  })
  .superRefine(timeStampGroup);
export type SftpProbeSettings = z.infer<typeof sftpProbeSettings>;

/** The states a status feed (the call center's phone and ticket system) reports (docs/configuration.md). */
export const STATUS_FEED_STATES = ["up", "down", "degraded"] as const;
export type StatusFeedState = (typeof STATUS_FEED_STATES)[number];
/** How old a status feed's answer (its updated_at, or a file drop's modification time) may be before it says nothing. */
export const STATUS_FEED_MAX_AGE = { min: "1m", max: "7d" } as const;
/** A status feed's answer is small: 64 KiB by default, 1 MiB at most. */
export const DEFAULT_STATUS_FEED_BYTES = 64 * KiB;

/**
 * The `status_feed` kind: a service's own status (the call center's phone and ticket system, or the
 * notifier's declared outages), read from an HTTP JSON endpoint or a file drop.
 */
export const statusFeedProbeSettings = z
  .strictObject({
    url: httpUrl.optional(),
    file: z.string().min(1).optional(),
    headers: headers.default({}),
    basic_auth: basicAuth.optional(),
    tls: tlsSettings.default({ insecure_skip_verify: false }),
    max_bytes: byteCount(DEFAULT_STATUS_FEED_BYTES, DEFAULT_PROBE_BODY_BYTES),
    /** Where in the JSON answer the state ("up", "down", "degraded", any case), the reason and the time of the status are. */
    state_path: z.string().min(1).default("state"),
    reason_path: z.string().min(1).default("reason"),
    updated_at_path: z.string().min(1).default("updated_at"),
    /** An answer older than this (updated_at, else a file's modification time) is stale: the feed says nothing. */
    max_age: durationSchema(STATUS_FEED_MAX_AGE).optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.url === undefined) === (s.file === undefined))
      ctx.addIssue({ code: "custom", message: "expected exactly one of url (an HTTP JSON feed) or file (a file drop)" });
    if (s.file !== undefined) {
      for (const field of ["basic_auth"] as const) {
        if (s[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `expected ${field} only with url, not with file` });
      }
      if (Object.keys(s.headers).length > 0) ctx.addIssue({ code: "custom", path: ["headers"], message: "expected headers only with url, not with file" });
    }
  });
export type StatusFeedProbeSettings = z.infer<typeof statusFeedProbeSettings>;
