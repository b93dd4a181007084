import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { machineCached } from "./support/machine-cache.js";

/** test/support/machine-cache.ts: builds kept on the machine between runs, keyed by their inputs. */
let root: string;
const saved = { dir: process.env.SMT_TEST_CACHE_DIR, off: process.env.SMT_TEST_CACHE };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "smt-machine-cache-"));
  process.env.SMT_TEST_CACHE_DIR = join(root, "cache");
  delete process.env.SMT_TEST_CACHE;
});

afterAll(() => {
  if (saved.dir === undefined) delete process.env.SMT_TEST_CACHE_DIR;
  else process.env.SMT_TEST_CACHE_DIR = saved.dir;
  if (saved.off !== undefined) process.env.SMT_TEST_CACHE = saved.off;
  rmSync(root, { recursive: true, force: true });
});

/** A build that writes a block-like tree and counts its runs. */
function counted(text: string) {
  const build = async (dir: string) => {
    build.runs++;
    mkdirSync(join(dir, "01BLOCK", "chunks"), { recursive: true });
    writeFileSync(join(dir, "01BLOCK", "meta.json"), text);
    writeFileSync(join(dir, "01BLOCK", "chunks", "000001"), "chunk");
    await Promise.resolve();
  };
  build.runs = 0;
  return build;
}

describe("machineCached", () => {
  it("builds once for the same inputs; later calls get hard links of the first build", async () => {
    const build = counted("a");
    const first = join(root, "first");
    const second = join(root, "second");
    expect(await machineCached("kind", ["x", "y"], first, build)).toBe("built");
    expect(await machineCached("kind", ["x", "y"], second, build)).toBe("cached");
    expect(build.runs).toBe(1);
    expect(readFileSync(join(second, "01BLOCK", "chunks", "000001"), "utf8")).toBe("chunk");
    // a link, not a copy: the same inode as the first build's file
    expect(statSync(join(second, "01BLOCK", "meta.json")).ino).toBe(statSync(join(first, "01BLOCK", "meta.json")).ino);
    // removing a user's links leaves the entry whole
    rmSync(second, { recursive: true });
    expect(await machineCached("kind", ["x", "y"], join(root, "third"), build)).toBe("cached");
    expect(readFileSync(join(root, "third", "01BLOCK", "meta.json"), "utf8")).toBe("a");
  });

  it("any changed input is a new entry (never a stale one), also one moved between two inputs", async () => {
    const build = counted("b");
    await machineCached("inputs", ["ab", "c"], join(root, "i1"), build);
    await machineCached("inputs", ["a", "bc"], join(root, "i2"), build);
    await machineCached("inputs", ["ab", "c", "new tool version"], join(root, "i3"), build);
    expect(build.runs).toBe(3);
  });

  it("a failed build stores nothing: the next call builds", async () => {
    await expect(machineCached("failing", ["f"], join(root, "f1"), () => Promise.reject(new Error("promtool failed")))).rejects.toThrow("promtool failed");
    expect(readdirSync(process.env.SMT_TEST_CACHE_DIR!).filter((e) => e.startsWith("failing"))).toEqual([]);
    const build = counted("f");
    expect(await machineCached("failing", ["f"], join(root, "f2"), build)).toBe("built");
    expect(build.runs).toBe(1);
  });

  it("SMT_TEST_CACHE=off builds every time and stores nothing", async () => {
    process.env.SMT_TEST_CACHE = "off";
    try {
      const build = counted("o");
      expect(await machineCached("off", ["o"], join(root, "o1"), build)).toBe("built");
      expect(await machineCached("off", ["o"], join(root, "o2"), build)).toBe("built");
      expect(build.runs).toBe(2);
      expect(existsSync(process.env.SMT_TEST_CACHE_DIR!) && readdirSync(process.env.SMT_TEST_CACHE_DIR!).some((e) => e.startsWith("off"))).toBe(false);
    } finally {
      delete process.env.SMT_TEST_CACHE;
    }
  });

  it("keeps the 8 most recently used entries", async () => {
    for (let i = 0; i < 10; i++) await machineCached("evict", [String(i)], join(root, `e${i}`), counted(String(i)));
    expect(readdirSync(process.env.SMT_TEST_CACHE_DIR!).length).toBeLessThanOrEqual(8);
  });
});
