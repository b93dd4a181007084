import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { availabilityRuleFiles, type AvailabilityRuleParameters, PRODUCTION_RULE_PARAMETERS } from "./availability-rules.js";
import { renderRuleFile } from "./render-rule-file.js";

export const GENERATED_BY = "src/rules/availability-rules.ts (scripts/generate-rules.mjs)";

/** The rule files for the parameters, as file name -> YAML text. */
export function renderAvailabilityRuleFiles(params: AvailabilityRuleParameters = PRODUCTION_RULE_PARAMETERS): Map<string, string> {
  return new Map(availabilityRuleFiles(params).map((f) => [f.name, renderRuleFile(f, GENERATED_BY)]));
}

/** Writes the rule files into dir (created if missing); returns their paths. */
export function writeAvailabilityRuleFiles(dir: string, params: AvailabilityRuleParameters = PRODUCTION_RULE_PARAMETERS): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const [name, text] of renderAvailabilityRuleFiles(params)) {
    const path = join(dir, name);
    writeFileSync(path, text);
    paths.push(path);
  }
  return paths;
}
