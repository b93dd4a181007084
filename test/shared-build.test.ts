import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedBuild } from "./support/shared-build.js";

/**
 * test/support/shared-build.ts: what several files read is built once per run. Concurrent callers
 * (here in one file; across files the same folder and the same watch) get one build and one folder,
 * a later caller finds it, and a failed build fails everyone who waited for it with its message.
 */
describe("sharedBuild", () => {
  it("builds once for callers that ask at the same time, and hands later callers the same folder", async () => {
    const name = `shared-build-test-${process.pid}-once`;
    let builds = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const build = async (dir: string) => {
      builds++;
      await gate;
      writeFileSync(join(dir, "result.txt"), "built");
    };
    const first = sharedBuild(name, build);
    const second = sharedBuild(name, build);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(readFileSync(join(a, "result.txt"), "utf8")).toBe("built");
    expect(await sharedBuild(name, build)).toBe(a);
    expect(builds).toBe(1);
  });

  it("a failed build fails the callers that waited for it, with the builder's message", async () => {
    const name = `shared-build-test-${process.pid}-fails`;
    let fail!: () => void;
    const gate = new Promise<void>((resolve) => (fail = resolve));
    const builder = sharedBuild(name, async () => {
      await gate;
      throw new Error("promtool: out of disk");
    });
    const waiter = sharedBuild(name, () => Promise.reject(new Error("a second build must not start")));
    fail();
    await expect(builder).rejects.toThrow("promtool: out of disk");
    await expect(waiter).rejects.toThrow(/the shared build shared-build-test-\d+-fails failed in another test file:\n.*promtool: out of disk/);
  });
});
