import { IANAZone } from "luxon";
import { z } from "zod";
import { configName, durationSchema, exactlyOneSecret, httpUrlSchema, secretFields } from "./schema-parts.js";
import { maintenanceConfig } from "./maintenance-schema.js";
import { SERVICE_DISPLAY_NAMES, SERVICES, type Service } from "./services.js";
import { MAX_ID_PREFIX_CHARS } from "../notices/notice-id.js";
import { NOTICE_KINDS, templateKey, templateProblems, type NoticeKind } from "../notices/notice-template.js";
import { byteCount, KiB, MiB } from "./byte-count.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The schema of the notifier's config file (config/notifier.example.yaml, docs/notices.md): where
 * it listens, where the store lives, who may post alerts and review notices, the notice wording,
 * the planned-outage rules and the channels that tell on-call about new drafts. Loading (secrets,
 * files) is notifier-load.ts.
 */

/** webhook.max_body_bytes: the largest Alertmanager notification the notifier reads, in bytes. */
export const WEBHOOK_BODY_BYTES = { min: KiB, max: 64 * MiB, default: MiB } as const;

/** The range of every duration of the notifier config (docs/notices.md); `timer` ones arm a timer. */
export const NOTIFIER_DURATIONS = {
  /** planned_notices.min_duration: planned outages longer than this are announced. */
  plannedMinDuration: { min: "1m", max: "7d" },
  /** planned_notices.completion_after: the planned COMPLETION draft this long after the window ends (an overrun alert arrives first). */
  plannedCompletionAfter: { min: "1m", max: "1d" },
  /** planned_notices.lookahead: how far ahead planned notices are drafted (compared, not a timer). */
  plannedLookahead: { min: "1h", max: "366d" },
  /** incidents.update_interval: an UPDATE draft this long after the latest notice (checked at each tick). */
  updateInterval: { min: "1m", max: "7d" },
  /** channels[].timeout: one delivery attempt (a timer). */
  channelTimeout: { min: "1s", max: "10m", timer: true },
  /** outbox.initial_backoff and max_backoff: when a failed message is due again (a time in the store). */
  initialBackoff: { min: "100ms", max: "1h" },
  maxBackoff: { min: "1s", max: "7d" },
  /** outbox.poll_interval: how often the outbox looks for due messages (a timer). */
  pollInterval: { min: "100ms", max: "1h", timer: true },
  /** outbox.lease: how long a message claimed by one notifier is left to it before another may send it (a time in the store). */
  outboxLease: { min: "1s", max: "1h" },
} as const;

const timeZone = z.string().superRefine((text, ctx) => {
  if (!IANAZone.isValidZone(text)) ctx.addIssue({ code: "custom", message: `expected an IANA time zone such as "${CENTRAL_TIME_ZONE}", got "${text}"` });
});

/** Also checks a URL read from url_file or url_env (notifier-load.ts). */
export const httpUrl = httpUrlSchema("use bearer_token_file or bearer_token_env");

/** "Name <addr@host>" or a bare address. */
const mailbox = z
  .string()
  .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'expected an address like "SMT Notices <notices@example.com>" or "notices@example.com"');

const name = configName;

const template = z.string();
const kindTemplates = z.strictObject({
  short_description: template,
  long_description: template,
  action_required: template.default(""),
  additional_information: template.default(""),
});
export type KindTemplates = z.infer<typeof kindTemplates>;

const DEFAULT_TEMPLATES: Record<NoticeKind, z.input<typeof kindTemplates>> = {
  INITIAL: {
    short_description: "INITIAL: Unplanned Outage - Smart Meter Texas {{ services }}",
    long_description:
      "Smart Meter Texas has been experiencing an unplanned outage of the {{ services }} since {{ start }}. {{ change }} " +
      "SMT is working to restore service and will send an update by {{ next_update }}.",
    action_required: "None at this time.",
    additional_information: "",
  },
  UPDATE: {
    short_description: "UPDATE: Unplanned Outage - Smart Meter Texas {{ services }}",
    long_description:
      "Smart Meter Texas has been experiencing an unplanned outage of the {{ services }} since {{ start }} ({{ duration }} so far). " +
      "{{ change }} SMT will send another update by {{ next_update }}.",
    action_required: "None at this time.",
    additional_information: "",
  },
  COMPLETION: {
    short_description: "COMPLETION: Unplanned Outage Resolved - Smart Meter Texas {{ services }}",
    long_description:
      "The unplanned outage of the Smart Meter Texas {{ services }} has ended. " +
      "Service was restored at {{ end }}, after being unavailable for {{ duration }} since {{ start }}. {{ unavailable_minutes }} {{ service_times }} {{ availability }}",
    action_required: "None.",
    additional_information: "",
  },
  PLANNED: {
    short_description: "Planned Maintenance Outage - Smart Meter Texas {{ services }}",
    long_description:
      "Smart Meter Texas will perform planned maintenance on {{ window }}. " +
      "The {{ services }} will be unavailable for the duration of the maintenance window ({{ duration }}). {{ description }}",
    action_required: "Plan any Smart Meter Texas activity outside the maintenance window.",
    additional_information: "",
  },
  REMINDER: {
    short_description: "REMINDER: Planned Maintenance Outage - Smart Meter Texas {{ services }}",
    long_description:
      "This is a reminder that Smart Meter Texas will perform planned maintenance on {{ window }}, as announced in {{ announced_in }}. " +
      "The {{ services }} will be unavailable for the duration of the maintenance window ({{ duration }}). {{ description }}",
    action_required: "Plan any Smart Meter Texas activity outside the maintenance window.",
    additional_information: "",
  },
  PLANNED_COMPLETION: {
    short_description: "COMPLETION: Planned Maintenance Outage - Smart Meter Texas {{ services }}",
    long_description:
      "The planned maintenance of the Smart Meter Texas {{ services }} announced in {{ announced_in }} is complete: " +
      "maintenance completed at {{ end }}, and the {{ services }} returned to service.",
    action_required: "None.",
    additional_information: "",
  },
  CANCELLATION: {
    short_description: "CANCELLATION: Planned Maintenance Outage - Smart Meter Texas {{ services }}",
    long_description:
      "The planned maintenance of the Smart Meter Texas {{ services }} scheduled for {{ window }} and announced in {{ announced_in }} has been cancelled. " +
      "The {{ services }} will remain available during that time.",
    action_required: "None.",
    additional_information: "",
  },
  RESCHEDULE: {
    short_description: "RESCHEDULED: Planned Maintenance Outage - Smart Meter Texas {{ services }}",
    long_description:
      "The planned maintenance of the Smart Meter Texas {{ services }} announced in {{ announced_in }} for {{ previous_window }} has been rescheduled to {{ window }}. " +
      "The {{ services }} will be unavailable for the duration of the new maintenance window ({{ duration }}). {{ description }}",
    action_required: "Plan any Smart Meter Texas activity outside the new maintenance window.",
    additional_information: "",
  },
  BUSINESS_PROCESS: {
    short_description: "Business Process Failure - {{ failure }} - Smart Meter Texas {{ services }}",
    long_description:
      "Smart Meter Texas has a business process failure. {{ problem }} " +
      "SMT is working with the TDSPs to resolve it and will send a completion notice when it is resolved.",
    action_required: "None at this time.",
    additional_information: "",
  },
  BUSINESS_PROCESS_COMPLETION: {
    short_description: "COMPLETION: Business Process Failure Resolved - {{ failure }} - Smart Meter Texas {{ services }}",
    long_description: "The business process failure of the Smart Meter Texas {{ services }} is resolved. {{ problem }} {{ resolution }}",
    action_required: "None.",
    additional_information: "",
  },
};

/** notices.by_service.<service>: what differs for that service's notices; the rest comes from notices. */
const serviceRecipients = z.strictObject({
  intended_audience: z.string().min(1).optional(),
  contact: z.string().min(1).optional(),
  to: z.array(mailbox).min(1).optional(),
  cc: z.array(mailbox).optional(),
});

/** The services as notices name them: the display names, each a singular noun (the wording counts services for "is"/"are"). */
const DEFAULT_SERVICE_NAMES: Record<Service, string> = { ...SERVICE_DISPLAY_NAMES, han: "HAN device service" };

const noticesSection = z.strictObject({
  time_zone: timeZone.default(CENTRAL_TIME_ZONE),
  /** The id prefix and audience letter: SMT-M-A051425-01. */
  id_prefix: z
    .string()
    .regex(/^[A-Z0-9-]*$/, "expected capital letters, digits and '-'")
    .max(MAX_ID_PREFIX_CHARS)
    .default("SMT-"),
  audience_code: z.enum(["M", "R", "W"]).default("M"),
  /** ERCOT's notice type after the id on the NOTICE TYPE line ("SMT-M-A051425-01 Retail"). */
  notice_type_label: z.string().min(1).default("Retail"),
  intended_audience: z.string().min(1).default("REPs of record, TDSPs, Third Parties / CSPs"),
  contact: z.string().min(1).default("SMT Help Desk: 1-844-217-8595, support@smartmetertexas.com"),
  from: mailbox,
  /** The RMS and AMWG listservs (not public: they must be configured). */
  to: z.array(mailbox).min(1),
  cc: z.array(mailbox).default([]),
  /** Per service: another INTENDED AUDIENCE, CONTACT or listservs for the notices about it (notice-recipients.ts). */
  by_service: z
    .strictObject(Object.fromEntries(SERVICES.map((s) => [s, serviceRecipients.optional()])) as Record<Service, z.ZodOptional<typeof serviceRecipients>>)
    .prefault({}),
  service_names: z
    .strictObject(
      Object.fromEntries(SERVICES.map((s) => [s, z.string().min(1).default(DEFAULT_SERVICE_NAMES[s])])) as Record<Service, z.ZodDefault<z.ZodString>>,
    )
    .prefault({}),
  templates: z
    .strictObject({
      initial: kindTemplates.default(DEFAULT_TEMPLATES.INITIAL as KindTemplates),
      update: kindTemplates.default(DEFAULT_TEMPLATES.UPDATE as KindTemplates),
      completion: kindTemplates.default(DEFAULT_TEMPLATES.COMPLETION as KindTemplates),
      planned: kindTemplates.default(DEFAULT_TEMPLATES.PLANNED as KindTemplates),
      reminder: kindTemplates.default(DEFAULT_TEMPLATES.REMINDER as KindTemplates),
      planned_completion: kindTemplates.default(DEFAULT_TEMPLATES.PLANNED_COMPLETION as KindTemplates),
      cancellation: kindTemplates.default(DEFAULT_TEMPLATES.CANCELLATION as KindTemplates),
      reschedule: kindTemplates.default(DEFAULT_TEMPLATES.RESCHEDULE as KindTemplates),
      business_process: kindTemplates.default(DEFAULT_TEMPLATES.BUSINESS_PROCESS as KindTemplates),
      business_process_completion: kindTemplates.default(DEFAULT_TEMPLATES.BUSINESS_PROCESS_COMPLETION as KindTemplates),
    })
    .prefault({}),
});

const plannedSection = z
  .strictObject({
    /** Planned outages longer than this ("greater than 15 minutes") are announced to the market. */
    min_duration: durationSchema(NOTIFIER_DURATIONS.plannedMinDuration).default(15 * 60_000),
    business_days_before: z.number().int().min(0).max(30).default(3),
    /** The REMINDER is due this many business days before the outage's day (after the PLANNED notice went out). */
    reminder_business_days_before: z.number().int().min(0).max(29).default(1),
    /** The planned COMPLETION draft this long after the window ends, unless an overrun alert came. */
    completion_after: durationSchema(NOTIFIER_DURATIONS.plannedCompletionAfter).default(10 * 60_000),
    /** Drafts are created this long before the outage starts. */
    lookahead: durationSchema(NOTIFIER_DURATIONS.plannedLookahead).default(45 * 86_400_000),
    /** Also draft notices for the recurring windows (e.g. every Saturday), not only the one-off planned outages. */
    include_recurring: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.business_days_before > 0 && v.reminder_business_days_before >= v.business_days_before)
      ctx.addIssue({
        code: "custom",
        path: ["reminder_business_days_before"],
        message: `expected fewer business days than business_days_before (${v.business_days_before}): the REMINDER follows the PLANNED notice`,
      });
  });

const webhookChannel = z
  .strictObject({
    name,
    kind: z.literal("webhook"),
    /** The URL, or (for chat webhooks whose URL is itself the secret) url_file / url_env. */
    url: httpUrl.optional(),
    url_file: z.string().min(1).optional(),
    url_env: z.string().min(1).optional(),
    timeout: durationSchema(NOTIFIER_DURATIONS.channelTimeout).default(10_000),
    headers: z.record(z.string(), z.string()).default({}),
    ...secretFields("bearer_token"),
  })
  .superRefine(exactlyOneSecret("bearer_token", { optional: true }))
  .superRefine((v, ctx) => {
    if ([v.url, v.url_file, v.url_env].filter((x) => x !== undefined).length !== 1)
      ctx.addIssue({ code: "custom", message: "expected exactly one of url, url_file or url_env" });
  });

const smtpChannel = z
  .strictObject({
    name,
    kind: z.literal("smtp"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** "tls": TLS from the start (465); "starttls": upgrade required; "none": plain (loopback test servers only). */
    security: z.enum(["tls", "starttls", "none"]).default("starttls"),
    username: z.string().min(1).optional(),
    ...secretFields("password"),
    from: mailbox,
    to: z.array(mailbox).min(1),
    timeout: durationSchema(NOTIFIER_DURATIONS.channelTimeout).default(30_000),
    tls: z.strictObject({ ca_file: z.string().optional(), insecure_skip_verify: z.boolean().default(false) }).prefault({}),
  })
  .superRefine(exactlyOneSecret("password", { optional: true }))
  .superRefine((v, ctx) => {
    const hasPassword = v.password_file !== undefined || v.password_env !== undefined;
    if ((v.username === undefined) !== !hasPassword) ctx.addIssue({ code: "custom", message: "expected username together with password_file or password_env" });
  });

const channel = z.discriminatedUnion("kind", [webhookChannel, smtpChannel]);

const reviewer = z.strictObject({ name, ...secretFields("password") }).superRefine(exactlyOneSecret("password"));

export const notifierConfigSchema = z
  .strictObject({
    listen_address: z.string().default(":9911"),
    /** The URL on-call uses to reach the review pages (links in channel messages and e-mails). */
    external_url: httpUrl.default("http://127.0.0.1:9911"),
    /** The SQLite file (":memory:" keeps nothing: tests only). */
    storage: z.strictObject({ path: z.string().min(1).default("data/notices.db") }).prefault({}),
    /**
     * The engine of the notice store: SQLite (the file storage.path, the default) or PostgreSQL
     * (several notifier replicas share it; the URL, with its password, from the environment).
     */
    store: z
      .discriminatedUnion("kind", [
        z.strictObject({ kind: z.literal("sqlite") }),
        z.strictObject({ kind: z.literal("postgres"), url_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name") }),
      ])
      .default({ kind: "sqlite" }),
    webhook: z
      .strictObject({
        ...secretFields("bearer_token"),
        max_body_bytes: byteCount(WEBHOOK_BODY_BYTES.default, WEBHOOK_BODY_BYTES.max, WEBHOOK_BODY_BYTES.min),
      })
      .superRefine(exactlyOneSecret("bearer_token")),
    reviewers: z.array(reviewer).min(1),
    notices: noticesSection,
    incidents: z
      .strictObject({
        /** An UPDATE draft while an outage lasts, this long after the latest notice of its series. */
        update_interval: durationSchema(NOTIFIER_DURATIONS.updateInterval).default(60 * 60_000),
      })
      .prefault({}),
    planned_notices: plannedSection.prefault({}),
    /** The maintenance calendar: the same section as the exporter config's (docs/maintenance.md)… */
    maintenance: maintenanceConfig.optional(),
    /** …or the exporter config file whose maintenance: section to read (relative to this file). */
    maintenance_file: z.string().min(1).optional(),
    channels: z.array(channel).default([]),
    outbox: z
      .strictObject({
        initial_backoff: durationSchema(NOTIFIER_DURATIONS.initialBackoff).default(5_000),
        max_backoff: durationSchema(NOTIFIER_DURATIONS.maxBackoff).default(15 * 60_000),
        poll_interval: durationSchema(NOTIFIER_DURATIONS.pollInterval).default(1_000),
        lease: durationSchema(NOTIFIER_DURATIONS.outboxLease).default(5 * 60_000),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const names = new Map<string, number>();
    cfg.channels.forEach((c, i) => {
      const first = names.get(c.name);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: ["channels", i, "name"], message: `duplicate channel name "${c.name}" (first at channels[${first}])` });
      else names.set(c.name, i);
    });
    const reviewers = new Map<string, number>();
    cfg.reviewers.forEach((r, i) => {
      const first = reviewers.get(r.name);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: ["reviewers", i, "name"], message: `duplicate reviewer name "${r.name}" (first at reviewers[${first}])` });
      else reviewers.set(r.name, i);
    });
    if (cfg.maintenance !== undefined && cfg.maintenance_file !== undefined) {
      ctx.addIssue({ code: "custom", path: ["maintenance_file"], message: "expected either maintenance or maintenance_file, not both" });
    }
    // A send still running when its lease ends could be sent a second time by another replica.
    cfg.channels.forEach((c, i) => {
      if (c.timeout >= cfg.outbox.lease)
        ctx.addIssue({
          code: "custom",
          path: ["outbox", "lease"],
          message: `expected a lease longer than every channel's timeout (channels[${i}] "${c.name}" has ${c.timeout / 1000} s)`,
        });
    });
    for (const kind of NOTICE_KINDS) {
      const key = templateKey(kind);
      const set = cfg.notices.templates[key];
      for (const field of ["short_description", "long_description", "action_required", "additional_information"] as const) {
        for (const message of templateProblems(set[field], kind)) {
          ctx.addIssue({ code: "custom", path: ["notices", "templates", key, field], message });
        }
      }
    }
  });

export type NotifierConfigFile = z.infer<typeof notifierConfigSchema>;
export type ChannelConfig = NotifierConfigFile["channels"][number];
