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

/** vitest's globalSetup (vitest.config.ts): one folder per run for shared builds, removed when the run ends. */
export default function setup(project: TestProject): () => void {
  // Each file's CPU seconds of this run (test/support/cpu-usage.ts), none of an earlier run's.
  rmSync(join(process.cwd(), ".test-report", "cpu"), { recursive: true, force: true });
  const root = mkdtempSync(join(tmpdir(), "smt-shared-"));
  project.provide("sharedBuildRoot", root);
  return () => rmSync(root, { recursive: true, force: true });
}
