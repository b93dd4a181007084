import { z } from "zod";
import { DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES, byteCount } from "./byte-count.js";
import { patternError } from "./pattern.js";
import { configName, durationSchema, httpUrlSchema, secretSource } from "./schema-parts.js";

/**
 * The settings of a `kind: browser` check: a real browser walks the portal as a person does (docs/configuration.md,
 * "Browser checks"). A module of its own: schema.ts plugs it in beside the other kinds.
 */

/** The browsers a check can run in: Debian's Chromium and Firefox ESR (drivers behind src/probes/browser-driver.ts). */
export const BROWSER_KINDS = ["chromium", "firefox"] as const;
export type BrowserKind = (typeof BROWSER_KINDS)[number];

/** How long a `wait_for` step waits for its selector or text, at most (the check's own timeout still applies). */
export const BROWSER_STEP_TIMEOUT = { min: "100ms", max: "5m" } as const;

const pattern = z.string().superRefine((text, ctx) => {
  const error = patternError(text);
  if (error) ctx.addIssue({ code: "custom", message: `expected a regular expression (RE2 syntax): ${error}` });
});
const selector = z.string().min(1);
const text = z.string().min(1);

/** One step: a name (its phase) and exactly one action. */
export const browserStep = z.union([
  z.strictObject({ name: configName, goto: httpUrlSchema("use fill with a secret") }),
  /** `value` may hold {{ secret.NAME }}: the value typed is never logged. */
  z.strictObject({ name: configName, fill: selector, value: z.string() }),
  z.strictObject({ name: configName, click: selector }),
  z.strictObject({
    name: configName,
    wait_for: z
      .strictObject({ selector: selector.optional(), text: text.optional() })
      .refine((w) => (w.selector === undefined) !== (w.text === undefined), { message: "expected exactly one of selector or text" }),
  }),
  /** Downloads the link's target with the page's session; more than max_bytes fails the step. */
  z.strictObject({ name: configName, download: selector, max_bytes: byteCount(DEFAULT_PROBE_BODY_BYTES, MAX_PROBE_BODY_BYTES) }),
  z.strictObject({ name: configName, expect_text: text }),
  z.strictObject({ name: configName, expect_no_text: text }),
]);
export type BrowserStep = z.infer<typeof browserStep>;

export const browserProbeSettings = z
  .strictObject({
    browser: z.enum(BROWSER_KINDS).default("chromium"),
    secrets: z.record(configName, secretSource).default({}),
    /** Accept the site's certificate unchecked (the browser cannot be given a CA file yet). */
    insecure_skip_verify: z.boolean().default(false),
    /** How long wait_for steps wait at most. */
    step_timeout: durationSchema(BROWSER_STEP_TIMEOUT).default(5_000),
    /** RE2 patterns: uncaught exceptions and console errors whose text matches one are not failures. */
    allowed_script_errors: z.array(pattern).default([]),
    steps: z.array(browserStep).min(1),
  })
  .superRefine((b, ctx) => {
    if (!("goto" in b.steps[0]!)) ctx.addIssue({ code: "custom", path: ["steps", 0], message: "expected the first step to be a goto" });
    const seen = new Set<string>();
    b.steps.forEach((step, i) => {
      if (seen.has(step.name)) ctx.addIssue({ code: "custom", path: ["steps", i, "name"], message: `duplicate step name "${step.name}"` });
      seen.add(step.name);
    });
  });
export type BrowserProbeSettings = z.infer<typeof browserProbeSettings>;
