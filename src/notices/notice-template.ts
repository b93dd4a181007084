/**
 * Notice wording lives in config as templates with `{{ name }}` placeholders. There is no logic
 * in a template (no loops, no conditions): the code computes every value, the team owns the words.
 * A template that names an unknown placeholder is a config error, found at load time.
 */

export const NOTICE_KINDS = [
  "INITIAL",
  "UPDATE",
  "COMPLETION",
  "PLANNED",
  "REMINDER",
  "PLANNED_COMPLETION",
  "CANCELLATION",
  "RESCHEDULE",
  "BUSINESS_PROCESS",
  "BUSINESS_PROCESS_COMPLETION",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The kinds of the planned-maintenance series (planned-notices.ts): PLANNED, REMINDER, its COMPLETION, CANCELLATION, RESCHEDULE. */
export const PLANNED_NOTICE_KINDS = ["PLANNED", "REMINDER", "PLANNED_COMPLETION", "CANCELLATION", "RESCHEDULE"] as const satisfies readonly NoticeKind[];
export type PlannedNoticeKind = (typeof PLANNED_NOTICE_KINDS)[number];
export function isPlannedNoticeKind(kind: NoticeKind): kind is PlannedNoticeKind {
  return (PLANNED_NOTICE_KINDS as readonly NoticeKind[]).includes(kind);
}

/** The kinds of the business-process failure series (process-failure-notices.ts): the failure and its COMPLETION. */
export const PROCESS_NOTICE_KINDS = ["BUSINESS_PROCESS", "BUSINESS_PROCESS_COMPLETION"] as const satisfies readonly NoticeKind[];

/** The config key of a kind's templates (notices.templates.<key>): "initial", …, "planned_completion". */
export function templateKey(kind: NoticeKind): Lowercase<NoticeKind> {
  return kind.toLowerCase() as Lowercase<NoticeKind>;
}

const COMMON = ["notice_id", "services", "service_codes", "start", "notice_date", "days_affected", "duration"] as const;

/**
 * The placeholders each kind of notice can use, with what they hold (docs/notices.md). Alert
 * annotations (summary, description, runbook_url) are not among them: they are written for on-call,
 * not for the market, and stay with the incident for the reviewer. A PLANNED notice's description
 * is the maintenance calendar's, written by the team.
 */
export const TEMPLATE_VARIABLES: Record<NoticeKind, readonly string[]> = {
  INITIAL: [...COMMON, "next_update", "change"],
  UPDATE: [...COMMON, "next_update", "change"],
  COMPLETION: [...COMMON, "end", "availability", "service_times", "unavailable_minutes"],
  PLANNED: [...COMMON, "end", "window", "description", "due_date"],
  REMINDER: [...COMMON, "end", "window", "description", "due_date", "announced_in"],
  PLANNED_COMPLETION: [...COMMON, "end", "window", "description", "announced_in"],
  CANCELLATION: [...COMMON, "end", "window", "description", "announced_in"],
  RESCHEDULE: [...COMMON, "end", "window", "description", "due_date", "announced_in", "previous_window"],
  BUSINESS_PROCESS: [...COMMON, "failure", "usage_days", "deadline", "problem"],
  BUSINESS_PROCESS_COMPLETION: [...COMMON, "end", "failure", "usage_days", "deadline", "problem", "resolution"],
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What is wrong with a template for a kind, as messages naming the placeholder and what is allowed. */
export function templateProblems(template: string, kind: NoticeKind): string[] {
  const allowed = TEMPLATE_VARIABLES[kind];
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!allowed.includes(name)) problems.push(`unknown placeholder {{ ${name} }} for ${kind} notices: expected one of ${allowed.join(", ")}`);
  }
  const stray = template.replace(PLACEHOLDER, "");
  if (stray.includes("{{") || stray.includes("}}")) problems.push('unbalanced "{{" or "}}": write placeholders as {{ name }}');
  return problems;
}

/** Fills the placeholders; whitespace runs left by empty values are collapsed. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template
    .replace(PLACEHOLDER, (_whole, name: string) => values[name] ?? "")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}
