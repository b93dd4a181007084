import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CENTRAL_TIME_ZONE } from "../src/maintenance/central-time.js";

/**
 * Issue 14 item 7: the Central time zone and the byte limits are named once, in the module that owns
 * them, and imported everywhere else (docs/configuration.md, "Constants named once").
 */
const root = join(import.meta.dirname, "..");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
const sources = files(join(root, "src")).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
const occurrences = (pattern: RegExp, owner: string) =>
  sources
    .filter((s) => s.path !== owner)
    .flatMap((s) => s.text.split("\n").flatMap((line, i) => (pattern.test(line) ? [`${s.path}:${i + 1}: ${line.trim()}`] : [])));

describe("constants named once", () => {
  it("the Central time zone is a string only in src/maintenance/central-time.ts", () => {
    expect(CENTRAL_TIME_ZONE).toBe("America/Chicago");
    expect(occurrences(/["'`]America\/Chicago["'`]/, "src/maintenance/central-time.ts")).toEqual([]);
  });

  it("byte sizes are written with MiB/KiB from src/config/byte-count.ts, never as 1_048_576 or 1024 * 1024", () => {
    expect(occurrences(/\b1_?048_?576\b|\b1024 \* 1024\b/, "src/config/byte-count.ts")).toEqual([]);
  });
});
