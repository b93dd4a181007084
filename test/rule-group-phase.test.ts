import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { placeRuleFolder, ruleGroupPhaseMs } from "../src/rules/rule-group-phase.js";

/**
 * The phase computation itself is checked against a real Prometheus in test/prometheus-integration.test.ts
 * (predicted vs /api/v1/rules lastEvaluation) and test/demo.test.ts; here the placement logic.
 */
describe("rule group phase", () => {
  const dir = mkdtempSync(join(tmpdir(), "smt-phase-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("depends on the file's path and the group's name, and stays inside the interval", async () => {
    const a = await ruleGroupPhaseMs("/a/smt-availability.rules.yml", "smt-availability-minutes", 60_000);
    const b = await ruleGroupPhaseMs("/b/smt-availability.rules.yml", "smt-availability-minutes", 60_000);
    const c = await ruleGroupPhaseMs("/a/smt-availability.rules.yml", "smt-availability-ratios", 60_000);
    for (const phase of [a, b, c]) expect(phase >= 0 && phase < 60_000).toBe(true);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(await ruleGroupPhaseMs("/a/smt-availability.rules.yml", "smt-availability-minutes", 60_000)).toBe(a);
  });

  it("places a folder where every group runs in its window, relative windows included", async () => {
    const placed = await placeRuleFolder(dir, "rules", [
      { file: "m.rules.yml", group: "minutes", intervalMs: 60_000, fromMs: 12_000, toMs: 22_000 },
      { file: "a.rules.yml", group: "alerts", intervalMs: 60_000, fromMs: 2_000, toMs: 12_000, after: "minutes" },
    ]);
    expect(existsSync(placed.folder)).toBe(true);
    const minutes = await ruleGroupPhaseMs(join(placed.folder, "m.rules.yml"), "minutes", 60_000);
    const alerts = await ruleGroupPhaseMs(join(placed.folder, "a.rules.yml"), "alerts", 60_000);
    expect(placed.phasesMs).toEqual({ minutes, alerts });
    expect(minutes >= 12_000 && minutes < 22_000).toBe(true);
    expect((alerts - minutes + 60_000) % 60_000).toBeGreaterThanOrEqual(2_000);
    expect((alerts - minutes + 60_000) % 60_000).toBeLessThan(12_000);
  });

  it("says so when no folder fits", async () => {
    await expect(placeRuleFolder(dir, "none", [{ file: "x.yml", group: "g", intervalMs: 60_000, fromMs: 0, toMs: 0 }], 50)).rejects.toThrow(
      /no folder .*none-<k>/,
    );
  });
});
