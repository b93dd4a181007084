import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { BrowserKind } from "../config/browser-settings-schema.js";

/**
 * Evidence of a browser check's last failure: a screenshot and the page's console log, one pair per check and
 * browser under the data directory, replaced by the next failure (bounded: never more files than checks x
 * browsers). File names are made of the check's name and the browser only (config names, never a secret); the
 * fields the check filled are masked before the screenshot, and the log is scrubbed of every secret.
 */
export interface BrowserEvidence {
  screenshot: string;
  consoleLog: string;
}

/** The folder under the data directory (`--data-dir`) that holds the evidence. */
export const BROWSER_EVIDENCE_FOLDER = "browser-evidence";

/** What a masked field shows in a screenshot instead of what was typed. */
export const MASKED_VALUE = "********";

/** The evidence files of one check in one browser: `<data-dir>/browser-evidence/<check>.<browser>.png` and `.log`. */
export function evidencePaths(dataDir: string, check: string, browser: BrowserKind): BrowserEvidence {
  const base = join(dataDir, BROWSER_EVIDENCE_FOLDER, `${check}.${browser}`);
  return { screenshot: `${base}.png`, consoleLog: `${base}.log` };
}

/** The expression a driver evaluates before a screenshot: every field a fill step typed into shows MASKED_VALUE. */
export function maskExpression(selectors: readonly string[]): string {
  return `(() => {
  for (const selector of ${JSON.stringify(selectors)}) {
    let fields = [];
    try { fields = document.querySelectorAll(selector); } catch (e) { continue; }
    for (const field of fields) if ("value" in field) field.value = ${JSON.stringify(MASKED_VALUE)};
  }
})()`;
}

/** Writes both files, each replaced whole (written aside, then renamed), so a reader never sees half a file. */
export async function keepEvidence(paths: BrowserEvidence, screenshot: Uint8Array | undefined, consoleLog: string): Promise<void> {
  await mkdir(dirname(paths.screenshot), { recursive: true });
  const replace = async (path: string, data: Uint8Array | string) => {
    const aside = `${path}.${process.pid}.tmp`;
    await writeFile(aside, data, { mode: 0o640 });
    await rename(aside, path);
  };
  await replace(paths.consoleLog, consoleLog);
  if (screenshot) await replace(paths.screenshot, screenshot);
}
