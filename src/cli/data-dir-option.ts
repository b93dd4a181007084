import type { Command } from "commander";

/** Where the exporter and `probe` keep what they write: the browser checks' evidence of their last failure. */
export const DEFAULT_DATA_DIR = "data";

/** `--data-dir <dir>`, like Prometheus' data/: relative to the working directory unless absolute. */
export function addDataDirOption(cmd: Command): void {
  cmd.option("--data-dir <dir>", "where browser checks keep the screenshot and console log of their last failure (under browser-evidence/)", DEFAULT_DATA_DIR);
}
