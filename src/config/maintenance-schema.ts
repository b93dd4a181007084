import { HOLIDAY_SETS } from "../maintenance/ercot-holidays.js";
import { z } from "zod";
import { durationSchema } from "./schema-parts.js";
import { DEFAULT_MAINTENANCE_SERVICES, SERVICES } from "./services.js";
import { isValidTimeZone, parseCalendarDateTime, parseCivilDate, parseTimeOfDay } from "../maintenance/wall-clock-time.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { DEFAULT_MAINTENANCE_EXCLUDE_POLICY, MAINTENANCE_EXCLUDE_POLICIES, WEEKDAYS, type Weekday } from "./maintenance-names.js";

/**
 * The `maintenance:` section of the exporter config: SMT's planned maintenance, which the
 * availability objective excludes. See docs/maintenance.md. The calendar built from it lives in
 * src/maintenance/maintenance-calendar.ts.
 */

export {
  DEFAULT_MAINTENANCE_EXCLUDE_POLICY,
  MAINTENANCE_EXCLUDE_POLICIES,
  WEEKDAYS,
  type MaintenanceExcludePolicy,
  type Weekday,
} from "./maintenance-names.js";

/** Windows must be shorter than a week (a longer one is almost certainly a typo). */
export const MAX_WINDOW_MS = 7 * 86_400_000;

const windowName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "expected a name of letters, digits, '_', '.', ':' and '-', starting with a letter or digit");

const timeZone = z.string().superRefine((text, ctx) => {
  if (!isValidTimeZone(text)) ctx.addIssue({ code: "custom", message: `expected an IANA time zone such as "${CENTRAL_TIME_ZONE}", got "${text}"` });
});

const weekday = z.string().transform((text, ctx) => {
  const lower = text.toLowerCase();
  if (!(WEEKDAYS as readonly string[]).includes(lower)) {
    ctx.addIssue({ code: "custom", message: `expected a weekday name (${WEEKDAYS.join(", ")}), got "${text}"` });
    return z.NEVER;
  }
  return lower as Weekday;
});

const timeOfDay = z.string().superRefine((text, ctx) => {
  if (!parseTimeOfDay(text)) ctx.addIssue({ code: "custom", message: `expected a local time "HH:MM" between 00:00 and 23:59, got "${text}"` });
});

/** A recurring window's length: whole minutes, under 7 days (MAX_WINDOW_MS); not a timer. */
export const WINDOW_DURATION = { min: "1m", max: "6d23h59m", wholeMinutes: true, examples: '"10h" or "3h30m"' } as const;
const windowDuration = durationSchema(WINDOW_DURATION);

const calendarDate = z.string().superRefine((text, ctx) => {
  if (!parseCivilDate(text)) ctx.addIssue({ code: "custom", message: `expected a real date "YYYY-MM-DD", got "${text}"` });
});

/** A date-time checked for shape here; resolved in the calendar's zone by the section's refinement. */
const calendarDateTime = z.string().superRefine((text, ctx) => {
  const parsed = parseCalendarDateTime(text, "UTC");
  if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
});

const services = z
  .array(z.enum(SERVICES))
  .min(1)
  .transform((list) => [...new Set(list)])
  // Not the call center (24x7): a window covers it only when it lists call_center (services.ts).
  .default([...DEFAULT_MAINTENANCE_SERVICES]);

export const recurringWindow = z.strictObject({
  name: windowName,
  weekdays: z
    .array(weekday)
    .min(1)
    .transform((list) => [...new Set(list)]),
  /** Local wall-clock start time in the calendar's zone, "HH:MM". */
  start: timeOfDay,
  /** Elapsed duration in milliseconds (written "10h", "3h30m"). */
  duration: windowDuration,
  services,
  description: z.string().optional(),
});

export const plannedOutage = z.strictObject({
  id: windowName,
  /** Local date-time in the calendar's zone, or ISO with an offset. */
  start: calendarDateTime,
  end: calendarDateTime,
  services,
  description: z.string().optional(),
  /** The market notice announcing it, e.g. "SMT-M-A051425-10". */
  notice_id: z.string().min(1).optional(),
});

export const maintenanceConfig = z
  .strictObject({
    time_zone: timeZone.default(CENTRAL_TIME_ZONE),
    exclude: z.enum(MAINTENANCE_EXCLUDE_POLICIES).default(DEFAULT_MAINTENANCE_EXCLUDE_POLICY),
    recurring: z.array(recurringWindow).default([]),
    planned: z.array(plannedOutage).default([]),
    /** The built-in business-day holidays: ERCOT's (the default) or none (then `holidays` is the whole list). */
    holiday_set: z.enum(HOLIDAY_SETS).default("ercot"),
    /** More holidays, added to the set. */
    holidays: z.array(calendarDate).default([]),
  })
  // Runs even when fields have problems, so check-config reports every problem in one go; the
  // value may then be partly invalid, so it is read defensively.
  .superRefine((cfg, ctx) => crossCheck(cfg, ctx), { when: () => true });

function entries(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list) ? list.map((e) => (typeof e === "object" && e !== null ? (e as Record<string, unknown>) : {})) : [];
}

/** Unique names and ids; planned outages resolved in the calendar's zone: start before end, under 7 days. */
function crossCheck(cfg: unknown, ctx: z.RefinementCtx): void {
  if (typeof cfg !== "object" || cfg === null) return;
  const section = cfg as Record<string, unknown>;
  const zone = typeof section.time_zone === "string" && isValidTimeZone(section.time_zone) ? section.time_zone : undefined;
  const names = new Map<string, number>();
  entries(section.recurring).forEach((w, i) => {
    if (typeof w.name !== "string") return;
    const first = names.get(w.name);
    if (first !== undefined)
      ctx.addIssue({ code: "custom", path: ["recurring", i, "name"], message: `duplicate recurring window name "${w.name}" (first at recurring[${first}])` });
    else names.set(w.name, i);
  });
  const ids = new Map<string, number>();
  entries(section.planned).forEach((p, i) => {
    if (typeof p.id === "string") {
      const first = ids.get(p.id);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: ["planned", i, "id"], message: `duplicate planned outage id "${p.id}" (first at planned[${first}])` });
      else ids.set(p.id, i);
    }
    if (zone === undefined || typeof p.start !== "string" || typeof p.end !== "string") return;
    const start = parseCalendarDateTime(p.start, zone);
    const end = parseCalendarDateTime(p.end, zone);
    if (!("instant" in start) || !("instant" in end)) return;
    if (end.instant <= start.instant) {
      ctx.addIssue({ code: "custom", path: ["planned", i, "end"], message: `expected end after start ("${p.start}"), got "${p.end}"` });
    } else if (end.instant - start.instant >= MAX_WINDOW_MS) {
      ctx.addIssue({ code: "custom", path: ["planned", i, "end"], message: `expected an outage shorter than 7 days; "${p.start}" to "${p.end}" is longer` });
    }
  });
}

/** The validated section, with defaults applied: what the calendar is built from. */
export type MaintenanceConfig = z.infer<typeof maintenanceConfig>;
/** The section as written in YAML (every field optional where a default exists). */
export type MaintenanceConfigInput = z.input<typeof maintenanceConfig>;
