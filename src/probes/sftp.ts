import type { ResolvedCheck } from "../config/load.js";
import { directoryPrefix, listDirectory, matchingFiles, openSftpSession, readFileStart } from "./sftp-session.js";
import { ProbeFailure, type Prober } from "./probe.js";

type SftpCheck = Extract<ResolvedCheck, { kind: "sftp" }>;

/**
 * The `sftp` kind (ssh2): connect, SSH handshake with the host key pinned, log in with a password
 * or a private key, list the directory, find the newest file matching the pattern, check its age,
 * and optionally download up to max_bytes of it. Phases: connect, handshake, auth, list, transfer
 * (the session itself is sftp-session.ts, shared with the energy-data check).
 */
export const probeSftp: Prober<SftpCheck> = async (check, ctx) => {
  const s = check.sftp;
  const session = await openSftpSession(check, ctx);
  try {
    const { sftp, step } = session;
    const listing = await step("list", "sftp_list", () => listDirectory(sftp, s.directory));
    const timed = matchingFiles(s, listing);
    ctx.note(`listed ${s.directory}: ${listing.length} entries, ${timed.length} matching ${s.file_pattern}`);
    const newest = timed.reduce((a, b) => (b.time > a.time ? b : a));
    ctx.facts.newestFileTime = newest.time / 1000;
    const age = ctx.now() - newest.time;
    ctx.note(`newest file ${newest.file.filename} at ${new Date(newest.time).toISOString()} (${Math.round(age / 1000)} s old)`);
    if (s.max_file_age !== undefined && age > s.max_file_age) {
      throw new ProbeFailure("stale_file", `newest file ${newest.file.filename} is ${formatAge(age)} old, more than max_file_age ${formatAge(s.max_file_age)}`);
    }
    if (s.download) {
      const limit = s.download.max_bytes;
      const received = (await step("transfer", "sftp_transfer", () => readFileStart(sftp, directoryPrefix(s) + newest.file.filename, limit))).length;
      ctx.note(`downloaded ${received} bytes of ${newest.file.filename}${received >= limit ? " (stopped at max_bytes)" : ""}`);
    }
  } finally {
    session.close();
  }
};

function formatAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 120 ? `${(minutes / 60).toFixed(1)} h` : `${minutes} min`;
}
