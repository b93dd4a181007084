#!/usr/bin/env node
// Regenerates grafana/dashboards/ from src/dashboards/ (run `npx tsc -p .` first). npm test fails
// when the checked-in JSON differs from this output (test/dashboards.test.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderDashboard, smtDashboards } from "../dist/dashboards/smt-dashboards.js";
import { dashboardProblems } from "../dist/dashboards/dashboard-schema.js";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "grafana", "dashboards");
mkdirSync(out, { recursive: true });
for (const [name, dashboard] of smtDashboards()) {
  const text = renderDashboard(dashboard);
  const problems = dashboardProblems(JSON.parse(text));
  if (problems.length > 0) {
    console.error(`${name}:\n  ${problems.join("\n  ")}`);
    process.exitCode = 1;
    continue;
  }
  writeFileSync(join(out, name), text);
  console.log(`wrote ${join(out, name)}`);
}
