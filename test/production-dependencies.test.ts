import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SIMULATOR_PACKAGES } from "../src/simulator/simulator-packages.js";

/**
 * The production image keeps only the production dependencies (`npm prune --omit=dev`, Dockerfile):
 * every package a command of dist/cli/main.js imports statically, from any of the project's modules
 * it loads (statically or with import("./…")), must be one of them, or the command dies with
 * ERR_MODULE_NOT_FOUND in the image (as the exporter did with playwright-core, a development
 * dependency then). A package only some commands need is loaded with import("x") and said to be
 * missing in one line (the simulator's, test/simulator-packages.test.ts).
 * Reads dist/: run `npm run build` first.
 */
const root = join(import.meta.dirname, "..");

/** Bare package names imported statically by the project's modules that entry loads, statically or with import("./…"). */
function staticPackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>(); // package -> first importing module
  const seen = new Set<string>();
  const queue = [entry];
  const builtins = new Set(builtinModules);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    // The project's own modules, loaded statically or by a command's import("./…"): followed.
    for (const m of source.matchAll(/(?:\sfrom\s|^\s*import\s|\bimport\(\s*)["'](\.[^"']+)["']/gm)) {
      const target = resolve(dirname(file), m[1]!);
      if (existsSync(target)) queue.push(target);
    }
    // Packages: import … from "x", export … from "x", import "x". A package loaded with import("x")
    // is optional by design (its command says so when it is missing).
    for (const m of source.matchAll(/^\s*(?:import|export)\s(?:[^"'();]*?\sfrom\s)?["']([^"'.][^"']*)["']/gm)) {
      const specifier = m[1]!;
      if (specifier.startsWith("node:") || builtins.has(specifier)) continue;
      const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
      if (!packages.has(name)) packages.set(name, file.replace(`${root}/`, ""));
    }
  }
  return packages;
}

describe("the production dependencies", () => {
  it("hold every package the CLI imports statically (what the pruned production image can load)", () => {
    // What `npm ci` then `npm prune --omit=dev` keep: the lockfile's packages not marked dev.
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const production = new Set(
      Object.entries(lock.packages)
        .filter(([path, p]) => path.includes("node_modules/") && !p.dev)
        .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)),
    );
    const imported = staticPackages(join(root, "dist", "cli", "main.js"));
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported.keys()]).toContain("playwright-core"); // the browser checks' driver
    // The simulator's packages are the one exception: `simulate` checks for them first and says so.
    const missing = [...imported]
      .filter(([name]) => !production.has(name) && !(SIMULATOR_PACKAGES as readonly string[]).includes(name))
      .map(([name, from]) => `${name} (imported by ${from})`);
    expect(missing).toEqual([]);
  });
});
