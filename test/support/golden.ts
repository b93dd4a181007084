import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";

/**
 * Golden files: the expected text lives in a file next to the tests, so every change to what we
 * generate shows up as a diff of real text. `UPDATE_GOLDEN=1 npx vitest run test/FILE.test.ts`
 * writes the files from the current code instead of comparing (then review the diff).
 */
export const GOLDEN_DIR = join(import.meta.dirname, "..", "golden");

export function expectGolden(relativePath: string, actual: string): void {
  const file = join(GOLDEN_DIR, relativePath);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 to write it, then review it`);
  }
  expect(actual, `${relativePath} (UPDATE_GOLDEN=1 rewrites it)`).toBe(expected);
}
