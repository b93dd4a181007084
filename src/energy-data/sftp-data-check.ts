import type { ResolvedDataCheck } from "../config/market-data-load.js";
import { ProbeFailure, type ProbeContext } from "../probes/probe.js";
import { directoryPrefix, listDirectory, matchingFiles, openSftpSession, readFileStart } from "../probes/sftp-session.js";
import { DataFormatFailure, observeTimedRows, type DataObservation } from "./data-observation.js";
import { addOlderFileRows, intervalFileText, IntervalFileError, parseIntervalCsv, type IntervalRowsByDay } from "./interval-file.js";

type SftpDataCheck = Extract<ResolvedDataCheck, { kind: "sftp" }>;

/**
 * The SFTP energy-data check, the FTPS one's twin (ftps-data-check.ts) over SMT's SFTP delivery:
 * log in with the host key pinned, list the delivery directory, download the newest
 * `files.max_files` interval files whole (at most files.max_bytes each), read their CSV and observe
 * the newest usage day every canary ESIID has, and its quality.
 */
export async function checkSftpData(check: SftpDataCheck, canaries: readonly string[], ctx: ProbeContext): Promise<DataObservation> {
  const s = check.connection.sftp;
  const session = await openSftpSession(check.connection, ctx);
  try {
    const { sftp, step } = session;
    const listing = await step("list", "sftp_list", () => listDirectory(sftp, s.directory));
    const newest = matchingFiles(s, listing)
      .sort((a, b) => b.time - a.time)
      .slice(0, check.files.maxFiles);
    ctx.facts.newestFileTime = newest[0] ? newest[0].time / 1000 : undefined;

    const rows: IntervalRowsByDay = new Map();
    const canarySet = new Set(canaries);
    for (const { file } of newest) {
      if (file.attrs.size > check.files.maxBytes) {
        throw new ProbeFailure("sftp_transfer", `${file.filename} is ${file.attrs.size} bytes, more than files.max_bytes (${check.files.maxBytes})`);
      }
      const bytes = await step("transfer", "sftp_transfer", () => readFileStart(sftp, directoryPrefix(s) + file.filename, check.files.maxBytes, true));
      let parsed;
      try {
        const text = await intervalFileText(bytes, check.files.content, check.files.decryptCommand, ctx.signal);
        parsed = parseIntervalCsv(text, canarySet);
      } catch (err) {
        if (err instanceof IntervalFileError) throw new DataFormatFailure(`${file.filename}: ${err.message}`);
        throw err;
      }
      ctx.note(
        `${file.filename}: ${bytes.length} bytes, usage days ${[...parsed.days].sort().join(", ") || "none"} for the canaries${parsed.badRows ? `, ${parsed.badRows} unreadable rows (${parsed.problems.slice(0, 3).join("; ")})` : ""}`,
      );
      addOlderFileRows(rows, parsed.rows);
    }
    return observeTimedRows(rows, canaries);
  } finally {
    session.close();
  }
}
