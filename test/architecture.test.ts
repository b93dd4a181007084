import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import madge from "madge";
import { describe, expect, it } from "vitest";

/**
 * Issue 14 item 4: no module imports a module that imports it back (style.md). Shared parts live in
 * a leaf module both sides import. madge reads the TypeScript sources with tsconfig.json, so the
 * NodeNext imports ("./schema.js") resolve to the .ts files; type-only imports count too.
 */

const ROOT = join(__dirname, "..");
const TSCONFIG = join(ROOT, "tsconfig.json");

async function importGraph(dir: string) {
  return madge(dir, { fileExtensions: ["ts"], tsConfig: TSCONFIG });
}

describe("architecture", () => {
  it("src/ has no import cycle", async () => {
    const graph = await importGraph(join(ROOT, "src"));
    const cycles = graph.circular().map((cycle: string[]) => cycle.join(" > "));
    expect(cycles).toEqual([]);
    // The graph is the real one: NodeNext ".js" imports were resolved to the .ts sources.
    const edges: Record<string, string[]> = graph.obj();
    expect(edges["config/load.ts"]).toContain("config/schema.ts");
    expect(edges["cli/main.ts"]?.length).toBeGreaterThan(0);
  });

  it("the check finds a cycle written with NodeNext .js imports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smt-cycle-"));
    mkdirSync(join(dir, "config"));
    writeFileSync(join(dir, "config", "a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
    writeFileSync(join(dir, "config", "b.ts"), 'import type { a } from "./a.js";\nexport const b = 1 as unknown as typeof a;\n');
    const graph = await importGraph(dir);
    expect(graph.circular()).toEqual([["config/a.ts", "config/b.ts"]]);
  });
});
