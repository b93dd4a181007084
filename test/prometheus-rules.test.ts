import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { availabilityRuleFiles, PRODUCTION_RULE_PARAMETERS } from "../src/rules/availability-rules.js";
import { renderAvailabilityRuleFiles, writeAvailabilityRuleFiles } from "../src/rules/write-rule-files.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const rulesDir = join(root, "prometheus", "rules");
const testsDir = join(root, "prometheus", "tests");

/** Runs promtool; resolves with its output whatever the exit code, so a failure shows promtool's text. */
async function promtool(args: string[], cwd = root): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run("promtool", args, { cwd, maxBuffer: 16 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

const tmp = mkdtempSync(join(tmpdir(), "smt-rules-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("prometheus/ (real promtool)", () => {
  it("prometheus.yml passes promtool check config, rule files included", async () => {
    const r = await promtool(["check", "config", "prometheus/prometheus.yml"]);
    // rules/ (generated, 2 files) and notices/ (the notifier's alerts, test/notifier-alertmanager.test.ts).
    expect(r.output).toContain("3 rule files found");
    expect(r.code, r.output).toBe(0);
  });

  it("the rule files pass promtool check rules --lint=all --lint-fatal", async () => {
    const files = readdirSync(rulesDir)
      .filter((f) => f.endsWith(".yml"))
      .map((f) => join(rulesDir, f));
    expect(files.length).toBe(2);
    const r = await promtool(["check", "rules", "--lint=all", "--lint-fatal", ...files]);
    expect(r.code, r.output).toBe(0);
  });

  it.each(readdirSync(testsDir).filter((f) => f.endsWith(".test.yml")))("promtool test rules %s", async (file) => {
    const r = await promtool(["test", "rules", file], testsDir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("SUCCESS");
  });
});

describe("rule generator (src/rules/availability-rules.ts)", () => {
  it("the checked-in rule files are the generator's output for the production parameters", () => {
    const generated = renderAvailabilityRuleFiles(PRODUCTION_RULE_PARAMETERS);
    expect([...generated.keys()].sort()).toEqual(
      readdirSync(rulesDir)
        .filter((f) => f.endsWith(".yml"))
        .sort(),
    );
    for (const [name, text] of generated) {
      // On a difference: `npx tsc -p . && node scripts/generate-rules.mjs`, then review the diff.
      expect(readFileSync(join(rulesDir, name), "utf8"), name).toBe(text);
    }
  });

  it("keeps the outage threshold in one parameter", () => {
    const alerts = availabilityRuleFiles({ ...PRODUCTION_RULE_PARAMETERS, unplannedOutageMinutes: 2 }).flatMap((f) => f.groups.flatMap((g) => g.rules));
    const outage = alerts.find((r) => "alert" in r && r.alert === "SMTUnplannedOutage");
    expect(outage?.expr).toMatch(/> 2$/);
    const text = [...renderAvailabilityRuleFiles({ ...PRODUCTION_RULE_PARAMETERS, unplannedOutageMinutes: 2 }).values()].join("\n");
    expect(text).not.toMatch(/> 15\b|more than 15 minutes outside/);
  });

  it("keeps the incident's recovery in one parameter (default 5 available minutes)", () => {
    expect(PRODUCTION_RULE_PARAMETERS.incidentRecoveryMinutes).toBe(5);
    const text = [...renderAvailabilityRuleFiles({ ...PRODUCTION_RULE_PARAMETERS, incidentRecoveryMinutes: 7 }).values()].join("\n");
    expect(text).toContain("+ 1 < 7");
    expect(text).toContain("after 7 consecutive available minutes");
    expect(text).not.toMatch(/< 5\b|after 5 consecutive/);
  });

  it("every smt_notifier_* name in the generated rules is one the notifier registers (SMTNotifierStorageFailing)", async () => {
    const { NotifierMetrics } = await import("../src/notices/notifier-metrics.js");
    const m = new NotifierMetrics({ noticeCounts: () => [], pendingOutbox: () => [], overdue: () => 0, storeWritable: () => true, channels: [] });
    const registered = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const text = [...renderAvailabilityRuleFiles(PRODUCTION_RULE_PARAMETERS).values()].join("\n");
    const names = new Set(text.match(/smt_notifier_[a-z_]+/g) ?? []);
    expect([...names]).toContain("smt_notifier_storage_errors_total");
    for (const name of names) expect(registered, name).toContain(name);
  });

  it("rejects parameters that make no sense, naming the parameter", () => {
    expect(() => availabilityRuleFiles({ ...PRODUCTION_RULE_PARAMETERS, unplannedOutageMinutes: 0 })).toThrow(
      /unplannedOutageMinutes: expected a whole number/,
    );
    expect(() => availabilityRuleFiles({ ...PRODUCTION_RULE_PARAMETERS, runbookBaseUrl: "docs/runbook.md" })).toThrow(/runbookBaseUrl/);
    expect(() => availabilityRuleFiles({ ...PRODUCTION_RULE_PARAMETERS, incidentRecoveryMinutes: 0 })).toThrow(
      /incidentRecoveryMinutes: expected a whole number of at least 1, got 0/,
    );
  });

  it("a demo threshold of 2 minutes: an incident of 3 unavailable minutes fires SMTUnplannedOutage until it recovers, 2 do not (promtool)", async () => {
    const dir = join(tmp, "demo");
    writeAvailabilityRuleFiles(join(dir, "rules"), { ...PRODUCTION_RULE_PARAMETERS, unplannedOutageMinutes: 2 });
    const lint = await promtool([
      "check",
      "rules",
      "--lint=all",
      "--lint-fatal",
      join(dir, "rules", "smt-alerts.rules.yml"),
      join(dir, "rules", "smt-availability.rules.yml"),
    ]);
    expect(lint.code, lint.output).toBe(0);
    writeFileSync(
      join(dir, "demo.test.yml"),
      `rule_files: [rules/smt-availability.rules.yml, rules/smt-alerts.rules.yml]
evaluation_interval: 1m
group_eval_order: [smt-availability-minutes, smt-availability-ratios, smt-alerts]
tests:
  - interval: 1m
    input_series:
      # minutes 1-2 fail (2), 3-9 are available (the incident ends with the 5th, minute 7), then minutes 10-12 fail (3)
      - series: 'smt_probe_success{service="gui",check="gui_home",location="demo",job="smt-exporter",instance="demo:9910"}'
        values: '1 0 0 1x6 0 0 0 1x10'
    promql_expr_test:
      - {expr: 'ALERTS{alertname="SMTUnplannedOutage"}', eval_time: 13m, exp_samples: []}
      - expr: 'ALERTS{alertname="SMTUnplannedOutage"}'
        eval_time: 14m
        exp_samples: [{labels: 'ALERTS{alertname="SMTUnplannedOutage",alertstate="firing",service="gui",severity="critical"}', value: 1}]
      - expr: 'ALERTS{alertname="SMTUnplannedOutage"}'
        eval_time: 18m # minute 16: the 4th available minute, the incident is still open
        exp_samples: [{labels: 'ALERTS{alertname="SMTUnplannedOutage",alertstate="firing",service="gui",severity="critical"}', value: 1}]
      - {expr: 'ALERTS{alertname="SMTUnplannedOutage"}', eval_time: 19m, exp_samples: []}
      - {expr: 'max_over_time(ALERTS{alertname="SMTUnplannedOutage"}[13m])', eval_time: 13m, exp_samples: []}
`,
    );
    const r = await promtool(["test", "rules", "demo.test.yml"], dir);
    expect(r.code, r.output).toBe(0);
  });
});
