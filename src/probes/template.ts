import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";

/** What `{{ ... }}` in an API step can refer to. */
export interface TemplateScope {
  secret: Record<string, string>;
  vars: Record<string, string>;
  now: number;
  zone: string;
}

const REF = /\{\{\s*([^}]*?)\s*\}\}/g;
const DATE_REF = /^date\(\s*(-?\d+)\s*,\s*'([^']+)'\s*\)$/;

/**
 * Expands `{{ secret.NAME }}`, `{{ vars.NAME }}`, `{{ date(-1, 'MM/dd/yyyy') }}` (days from today in
 * Central time), `{{ uuid }}` and `{{ now_unix }}`. References were checked when the config loaded.
 */
export function expandTemplate(text: string, scope: TemplateScope): string {
  return text.replace(REF, (_, ref: string) => {
    const [kind, key] = ref.split(".", 2);
    if (kind === "secret" && key !== undefined) return scope.secret[key] ?? "";
    if (kind === "vars" && key !== undefined) return scope.vars[key] ?? "";
    if (ref === "uuid") return randomUUID();
    if (ref === "now_unix") return String(Math.floor(scope.now / 1000));
    const date = DATE_REF.exec(ref);
    if (date) {
      return DateTime.fromMillis(scope.now, { zone: scope.zone })
        .plus({ days: Number(date[1]) })
        .toFormat(date[2]!);
    }
    return "";
  });
}

/** Expands templates in every string of a JSON value. */
export function expandJson(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === "string") return expandTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => expandJson(v, scope));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandJson(v, scope)]));
  }
  return value;
}
