#!/usr/bin/env node
// Regenerates prometheus/rules/ from src/rules/availability-rules.ts (run `npx tsc -p .` first).
//   node scripts/generate-rules.mjs                       the production files (checked in)
//   node scripts/generate-rules.mjs --out DIR --outage-minutes 2   e.g. for the demo
//   node scripts/generate-rules.mjs --recovery-minutes 5          available minutes that end an outage incident
//   node scripts/generate-rules.mjs --data-quality-share 0.1      SMTDataQualityFailing above 10 % of canary meters
import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PRODUCTION_RULE_PARAMETERS } from "../dist/rules/availability-rules.js";
import { writeAvailabilityRuleFiles } from "../dist/rules/write-rule-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(root, "prometheus", "rules") },
    "outage-minutes": { type: "string" },
    "recovery-minutes": { type: "string" },
    "data-missing-minutes": { type: "string" },
    "runbook-base-url": { type: "string" },
    "data-quality-share": { type: "string" },
  },
});
const params = { ...PRODUCTION_RULE_PARAMETERS };
if (values["outage-minutes"]) params.unplannedOutageMinutes = Number(values["outage-minutes"]);
if (values["recovery-minutes"]) params.incidentRecoveryMinutes = Number(values["recovery-minutes"]);
if (values["data-missing-minutes"]) params.probeDataMissingMinutes = Number(values["data-missing-minutes"]);
if (values["runbook-base-url"]) params.runbookBaseUrl = values["runbook-base-url"];
if (values["data-quality-share"]) params.dataQualityFailedMeterShare = Number(values["data-quality-share"]);
for (const path of writeAvailabilityRuleFiles(values.out, params)) console.log(`wrote ${path}`);
