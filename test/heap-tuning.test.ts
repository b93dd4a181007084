import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { EXPORTER_HEAP_FLAGS, heapFlagsToApply } from "../src/exporter/heap-tuning.js";

describe("exporter heap tuning", () => {
  it("applies every flag when the operator set none", () => {
    expect(heapFlagsToApply([], undefined)).toEqual([...EXPORTER_HEAP_FLAGS]);
    expect(heapFlagsToApply(["--enable-source-maps"], "--max-old-space-size=512")).toEqual([...EXPORTER_HEAP_FLAGS]);
  });

  it("leaves a flag the operator gave on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(heapFlagsToApply(["--heap-growing-percent=50"], undefined)).toEqual(["--semi-space-growth-factor=1"]);
    expect(heapFlagsToApply([], "--max-semi-space-size=2 --semi_space_growth_factor=2")).toEqual(["--heap-growing-percent=20"]);
    expect(heapFlagsToApply(["--heap_growing_percent=30"], "--semi-space-growth-factor=4")).toEqual([]);
  });

  it("names flags this Node.js knows (node refuses unknown V8 flags with 'bad option')", () => {
    const run = spawnSync(process.execPath, [...EXPORTER_HEAP_FLAGS, "-e", "0"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const bogus = spawnSync(process.execPath, ["--heap-growing-percentage=20", "-e", "0"], { encoding: "utf8" });
    expect(bogus.status).not.toBe(0);
  });
});
