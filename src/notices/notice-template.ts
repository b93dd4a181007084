/**
 * Notice wording lives in config as templates with `{{ name }}` placeholders. There is no logic
 * in a template (no loops, no conditions): the code computes every value, the team owns the words.
 * A template that names an unknown placeholder is a config error, found at load time.
 */

export const NOTICE_KINDS = ["INITIAL", "UPDATE", "COMPLETION", "PLANNED"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

const COMMON = ["notice_id", "services", "service_codes", "start", "notice_date", "days_affected", "duration"] as const;

/** The placeholders each kind of notice can use, with what they hold (docs/notices.md). */
export const TEMPLATE_VARIABLES: Record<NoticeKind, readonly string[]> = {
  INITIAL: [...COMMON, "summary", "description", "runbook_url", "next_update"],
  UPDATE: [...COMMON, "summary", "description", "runbook_url", "next_update", "change"],
  COMPLETION: [...COMMON, "summary", "description", "end", "unavailable_minutes"],
  PLANNED: [...COMMON, "end", "window", "description", "due_date"],
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
