import { SMT_NO_DATA_YET } from "../energy-data/no-data-yet.js";
import { checkAssertion } from "../probes/json-assertion.js";
import { compilePattern } from "./pattern.js";
import type { ApiStep, ExporterConfig } from "./schema.js";
import { readJsonPath } from "../probes/json-path.js";
import { ALERT_NAMES } from "../rules/alert-contract.js";

/**
 * Availability checks that would fail because data is late (docs/slo.md, "Availability is not
 * freshness"). The SLO document measures availability (the service answers) apart from time to
 * market (the data arrives by its deadline): a check that fails when a TDSP is late turns the TDSP's
 * lateness into SMT downtime. Found, unless the check sets `freshness_is_availability: true`:
 * - an `ftps` check with `max_file_age`;
 * - an `api` step that asks for dated data (a `{{ date(...) }}` template in its request) and whose
 *   assertions, body patterns or extractions fail on SMT's "no data yet" answer (errorCode 1).
 * Pure: a warning names the field (as a config path) and what to do; the loader adds file and line.
 */
export interface FreshnessWarning {
  path: (string | number)[];
  message: string;
}

const WHY = `availability measures whether the service answers; late data is time to market (energy_data checks, ${ALERT_NAMES.dataDeliveryLate})`;
const ON_PURPOSE = "or set freshness_is_availability: true on the check to charge late data as downtime on purpose";
const DATE_TEMPLATE = /\{\{\s*date\(/;
const NO_DATA_TEXT = JSON.stringify(SMT_NO_DATA_YET);

export function freshnessWarnings(config: ExporterConfig): FreshnessWarning[] {
  const warnings: FreshnessWarning[] = [];
  config.checks.forEach((check, i) => {
    if (check.freshness_is_availability) return;
    const at = ["checks", i];
    if (check.kind === "ftps" && check.ftps.max_file_age !== undefined) {
      warnings.push({
        path: [...at, "ftps", "max_file_age"],
        message: `check "${check.name}" fails with stale_file when the newest file is older than max_file_age, so a late delivery would count as ${check.service} downtime. ${cap(WHY)}: remove max_file_age, ${ON_PURPOSE}`,
      });
    }
    if (check.kind === "api") {
      check.api.steps.forEach((step, j) => {
        if (!asksForDatedData(step)) return;
        const failing = failingOnNoData(step);
        if (!failing) return;
        warnings.push({
          path: [...at, "api", "steps", j, ...failing],
          message:
            `check "${check.name}" step "${step.name}" asks for dated data and fails on SMT's "no data yet" answer (errorCode "1"), ` +
            `so data not delivered yet would count as ${check.service} downtime. ${cap(WHY)}: accept both answers with ` +
            `any_of: [{ path: energyData, exists: true }, { path: errorCode, equals: "1" }], ${ON_PURPOSE}`,
        });
      });
    }
  });
  return warnings;
}

function asksForDatedData(step: ApiStep): boolean {
  const request = [step.url, ...Object.values(step.headers), step.body ?? "", step.json === undefined ? "" : JSON.stringify(step.json)];
  return request.some((text) => DATE_TEMPLATE.test(text));
}

/** The path (under the step) of the first test that SMT's "no data yet" answer fails, if any. */
function failingOnNoData(step: ApiStep): (string | number)[] | undefined {
  const k = step.assert.findIndex((a) => checkAssertion(SMT_NO_DATA_YET, a) !== undefined);
  if (k >= 0) return ["assert", k];
  const m = step.body_must_match.findIndex((p) => !compilePattern(p).test(NO_DATA_TEXT));
  if (m >= 0) return ["body_must_match", m];
  const n = step.body_must_not_match.findIndex((p) => compilePattern(p).test(NO_DATA_TEXT));
  if (n >= 0) return ["body_must_not_match", n];
  const extracted = Object.entries(step.extract).find(([, path]) => {
    const value = readJsonPath(SMT_NO_DATA_YET, path);
    return value === undefined || value === null || typeof value === "object";
  });
  if (extracted) return ["extract", extracted[0]];
  return undefined;
}

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
