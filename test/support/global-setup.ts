import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A folder that lives as long as the vitest run, for what test files build once and share (test/support/shared-build.ts). */
    sharedBuildRoot: string;
  }
}

/**
 * The run's folder, made by the first project's setup (vitest runs this file once per project, each
 * time a fresh module in the same main process: a global of the process, not of the module, and not an
 * environment variable, which the test processes would inherit).
 */
const run = globalThis as { smtSharedBuildRoot?: string };

/**
 * vitest's globalSetup (vitest.config.ts): one folder per run for shared builds, removed when the run
 * ends. vitest calls it once per project, in its main process, before any file runs: the first call
 * makes the folder and clears the CPU records, and every project gets the same folder, so a build is
 * shared across projects too.
 */
export default function setup(project: TestProject): () => void {
  let root = run.smtSharedBuildRoot;
  if (root === undefined) {
    // Each file's CPU seconds of this run (test/support/cpu-usage.ts), none of an earlier run's.
    rmSync(join(process.cwd(), ".test-report", "cpu"), { recursive: true, force: true });
    root = mkdtempSync(join(tmpdir(), "smt-shared-"));
    run.smtSharedBuildRoot = root;
  }
  project.provide("sharedBuildRoot", root);
  const made = root;
  return () => rmSync(made, { recursive: true, force: true });
}
