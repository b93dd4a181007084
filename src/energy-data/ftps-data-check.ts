import { Writable } from "node:stream";
import { isIP } from "node:net";
import type { ConnectionOptions, TLSSocket } from "node:tls";
import { type Client, FTPError, type FileInfo } from "basic-ftp";
import { ftpsClient, listDirectory } from "../probes/ftps-listing.js";
import { DateTime } from "luxon";
import { compilePattern } from "../config/pattern.js";
import type { ResolvedDataCheck } from "../config/market-data-load.js";
import { phase, ProbeFailure, type FailureReason, type ProbeContext } from "../probes/probe.js";
import { earliestNotAfter, verifyPeer } from "../probes/tls-peer.js";
import { DataFormatFailure, observeTimedRows, type DataObservation } from "./data-observation.js";
import { addOlderFileRows, intervalFileText, IntervalFileError, parseIntervalCsv, type IntervalRowsByDay } from "./interval-file.js";

type FtpsDataCheck = Extract<ResolvedDataCheck, { kind: "ftps" }>;

/**
 * The FTPS energy-data check: log in as the REP of record, list the delivery directory, download the
 * newest `files.max_files` interval files (newest by the time in the name, or the server's mtime),
 * read their CSV and observe the newest usage day every canary ESIID has, and its quality. A later
 * file's rows for a (day, ESIID) replace an earlier file's.
 */
export async function checkFtpsData(check: FtpsDataCheck, canaries: readonly string[], ctx: ProbeContext): Promise<DataObservation> {
  const s = check.connection.ftps;
  const tls = check.connection.tls;
  const client = ftpsClient();
  const onAbort = () => client.close();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const tlsOptions: ConnectionOptions = {
    secureContext: tls.secureContext,
    servername: tls.serverName ?? (isIP(s.host) ? undefined : s.host),
    rejectUnauthorized: false,
  };
  const step = <T>(name: string, reason: FailureReason, work: () => Promise<T>) =>
    phase(ctx, name, () =>
      work().catch((err: unknown) => {
        throw classify(err, reason, name, ctx);
      }),
    );
  try {
    if (s.tls_mode === "implicit") {
      await step("connect", "connect", () => client.connectImplicitTLS(s.host, s.port, tlsOptions));
    } else {
      await step("connect", "connect", () => client.connect(s.host, s.port));
      await step("tls", "tls", () => client.useTLS(tlsOptions));
    }
    const socket = client.ftp.socket as TLSSocket;
    ctx.facts.certNotAfter = earliestNotAfter(socket);
    verifyPeer(socket, s.host, tls);
    await step("login", "ftp_login", async () => {
      await client.login(s.username, check.connection.secrets.password);
      await client.useDefaultSettings();
    });
    const listing = await step("list", "ftp_list", () => listDirectory(client, s.directory));
    const pattern = compilePattern(s.file_pattern);
    const matching = listing.filter((f) => f.isFile && pattern.test(f.name));
    if (matching.length === 0) throw new ProbeFailure("no_file", `no file in ${s.directory} matches ${s.file_pattern}`);
    const dir = s.directory.endsWith("/") ? s.directory : `${s.directory}/`;
    const timed = await step("list", "ftp_list", () => fileTimes(client, check, dir, matching));
    const newest = timed.sort((a, b) => b.time - a.time).slice(0, check.files.maxFiles);
    ctx.facts.newestFileTime = newest[0] ? newest[0].time / 1000 : undefined;

    const rows: IntervalRowsByDay = new Map();
    const canarySet = new Set(canaries);
    for (const { file } of newest) {
      if (file.size > check.files.maxBytes) {
        throw new ProbeFailure("ftp_transfer", `${file.name} is ${file.size} bytes, more than files.max_bytes (${check.files.maxBytes})`);
      }
      const bytes = await step("transfer", "ftp_transfer", () => download(client, dir + file.name, check.files.maxBytes));
      let parsed;
      try {
        const text = await intervalFileText(bytes, check.files.content, check.files.decryptCommand, ctx.signal);
        parsed = parseIntervalCsv(text, canarySet);
      } catch (err) {
        if (err instanceof IntervalFileError) throw new DataFormatFailure(`${file.name}: ${err.message}`);
        throw err;
      }
      ctx.note(
        `${file.name}: ${bytes.length} bytes, usage days ${[...parsed.days].sort().join(", ") || "none"} for the canaries${parsed.badRows ? `, ${parsed.badRows} unreadable rows (${parsed.problems.slice(0, 3).join("; ")})` : ""}`,
      );
      addOlderFileRows(rows, parsed.rows);
    }
    return observeTimedRows(rows, canaries);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    client.close();
  }
}

async function fileTimes(client: Client, check: FtpsDataCheck, dir: string, files: FileInfo[]): Promise<{ file: FileInfo; time: number }[]> {
  const s = check.connection.ftps;
  const out: { file: FileInfo; time: number }[] = [];
  for (const file of files) {
    if (s.file_time === "name") {
      const stamp = compilePattern(s.file_pattern).exec(file.name)?.groups?.ts ?? "";
      const parsed = DateTime.fromFormat(stamp, s.file_time_format, { zone: s.file_time_zone });
      if (parsed.isValid) out.push({ file, time: parsed.toMillis() });
    } else {
      out.push({ file, time: file.modifiedAt?.getTime() ?? (await client.lastMod(dir + file.name)).getTime() });
    }
  }
  if (out.length === 0) throw new ProbeFailure("no_file", `no matching file name carries a time stamp in format ${s.file_time_format}`);
  return out;
}

class TooLarge extends Error {}

/** The whole file, failing when it grows past `limit` bytes (a LIST size can be missing or wrong). */
async function download(client: Client, path: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      chunks.push(chunk);
      done(size > limit ? new TooLarge() : null);
    },
  });
  try {
    await client.downloadTo(sink, path);
  } catch (err) {
    if (err instanceof TooLarge || size > limit) throw new ProbeFailure("ftp_transfer", `${path} is larger than files.max_bytes (${limit})`);
    throw err;
  }
  return Buffer.concat(chunks);
}

function classify(err: unknown, reason: FailureReason, phaseName: string, ctx: ProbeContext): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  if (ctx.signal.aborted) return new ProbeFailure("timeout", `timed out during ${phaseName}`);
  const e = err as NodeJS.ErrnoException;
  if (err instanceof FTPError) {
    if (err.code === 530 || err.code === 331 || err.code === 332) return new ProbeFailure("ftp_login", `${phaseName}: server answered ${err.message}`);
    if (err.code === 421 && phaseName === "connect") return new ProbeFailure("connect", `server refused service: ${err.message}`);
    return new ProbeFailure(reason, `${phaseName}: server answered ${err.message}`);
  }
  if (typeof e.code === "string" && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE)$/.test(e.code) && phaseName === "connect") {
    return new ProbeFailure("connect", `connect failed: ${e.code}`);
  }
  if (typeof e.code === "string" && /^(ENOTFOUND|EAI_AGAIN)$/.test(e.code)) return new ProbeFailure("dns", `cannot resolve host: ${e.code}`);
  if (/timeout/i.test(e.message ?? "")) return new ProbeFailure("timeout", `${phaseName}: ${e.message}`);
  return new ProbeFailure(reason, `${phaseName}: ${e.code ? `${e.code} ` : ""}${e.message}`);
}
