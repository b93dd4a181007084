import { Writable } from "node:stream";
import { isIP } from "node:net";
import type { ConnectionOptions, TLSSocket } from "node:tls";
import { type Client, FTPError, type FileInfo } from "basic-ftp";
import { ftpsClient, listDirectory } from "./ftps-listing.js";
import { DateTime } from "luxon";
import type { ResolvedCheck } from "../config/load.js";
import { compilePattern } from "../config/pattern.js";
import { phase, ProbeFailure, type FailureReason, type Prober, type ProbeContext } from "./probe.js";
import { earliestNotAfter, verifyPeer } from "./tls-peer.js";

type FtpsCheck = Extract<ResolvedCheck, { kind: "ftps" }>;

/**
 * The `ftps` kind (basic-ftp): connect, AUTH TLS (or implicit TLS), login, list the directory,
 * find the newest file matching the pattern, check its age, and optionally download up to
 * max_bytes of it to prove the data channel works. Phases: connect, tls, login, list, transfer.
 */
export const probeFtps: Prober<FtpsCheck> = async (check, ctx) => {
  const s = check.ftps;
  const client = ftpsClient();
  const onAbort = () => client.close();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const tlsOptions: ConnectionOptions = {
    secureContext: check.tls.secureContext,
    servername: check.tls.serverName ?? (isIP(s.host) ? undefined : s.host),
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
      checkPeer(client, s.host, check, ctx);
    } else {
      await step("connect", "connect", () => client.connect(s.host, s.port));
      await step("tls", "tls", () => client.useTLS(tlsOptions));
      checkPeer(client, s.host, check, ctx);
    }
    await step("login", "ftp_login", async () => {
      await client.login(s.username, check.secrets.password);
      await client.useDefaultSettings();
    });
    const listing = await step("list", "ftp_list", () => listDirectory(client, s.directory));
    const pattern = compilePattern(s.file_pattern);
    const matching = listing.filter((f) => f.isFile && pattern.test(f.name));
    ctx.note(`listed ${s.directory}: ${listing.length} entries, ${matching.length} matching ${s.file_pattern}`);
    if (matching.length === 0) throw new ProbeFailure("no_file", `no file in ${s.directory} matches ${s.file_pattern}`);

    const newest = await step("list", "ftp_list", () => newestFile(client, check, matching));
    ctx.facts.newestFileTime = newest.time / 1000;
    const age = ctx.now() - newest.time;
    ctx.note(`newest file ${newest.file.name} at ${new Date(newest.time).toISOString()} (${Math.round(age / 1000)} s old)`);
    if (s.max_file_age !== undefined && age > s.max_file_age) {
      throw new ProbeFailure("stale_file", `newest file ${newest.file.name} is ${formatAge(age)} old, more than max_file_age ${formatAge(s.max_file_age)}`);
    }

    if (s.download) {
      const limit = s.download.max_bytes;
      const received = await step("transfer", "ftp_transfer", () => download(client, newest.path, limit));
      ctx.note(`downloaded ${received} bytes of ${newest.file.name}${received >= limit ? " (stopped at max_bytes)" : ""}`);
    }
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    client.close();
  }
};

function checkPeer(client: Client, host: string, check: FtpsCheck, ctx: ProbeContext): void {
  const socket = client.ftp.socket as TLSSocket;
  ctx.facts.certNotAfter = earliestNotAfter(socket);
  verifyPeer(socket, host, check.tls);
}

async function newestFile(client: Client, check: FtpsCheck, files: FileInfo[]): Promise<{ file: FileInfo; path: string; time: number }> {
  const s = check.ftps;
  const dir = s.directory.endsWith("/") ? s.directory : `${s.directory}/`;
  let best: { file: FileInfo; time: number } | undefined;
  for (const file of files) {
    let time: number;
    if (s.file_time === "name") {
      const stamp = compilePattern(s.file_pattern).exec(file.name)?.groups?.ts ?? "";
      const parsed = DateTime.fromFormat(stamp, s.file_time_format, { zone: s.file_time_zone });
      if (!parsed.isValid) continue;
      time = parsed.toMillis();
    } else {
      // MLSD listings carry the time; plain LIST does not, so ask with MDTM.
      time = file.modifiedAt?.getTime() ?? (await client.lastMod(dir + file.name)).getTime();
    }
    if (!best || time > best.time) best = { file, time };
  }
  if (!best) throw new ProbeFailure("no_file", `no matching file name carries a time stamp in format ${s.file_time_format}`);
  return { ...best, path: dir + best.file.name };
}

class LimitReached extends Error {}

/** Downloads at most `limit` bytes; reaching the limit counts as success. Returns the bytes received. */
async function download(client: Client, path: string, limit: number): Promise<number> {
  let received = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(received >= limit ? new LimitReached() : null);
    },
  });
  try {
    await client.downloadTo(sink, path);
  } catch (err) {
    if (!(err instanceof LimitReached) && received < limit) throw err;
  }
  return Math.min(received, limit);
}

function classify(err: unknown, reason: FailureReason, phaseName: string, ctx: ProbeContext): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  if (ctx.signal.aborted) return new ProbeFailure("timeout", `timed out during ${phaseName}`);
  const e = err as NodeJS.ErrnoException;
  if (err instanceof FTPError) {
    const code = err.code;
    if (code === 530 || code === 331 || code === 332) return new ProbeFailure("ftp_login", `${phaseName}: server answered ${err.message}`);
    if (code === 421 && phaseName === "connect") return new ProbeFailure("connect", `server refused service: ${err.message}`);
    return new ProbeFailure(reason, `${phaseName}: server answered ${err.message}`);
  }
  if (typeof e.code === "string" && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE)$/.test(e.code) && phaseName === "connect") {
    return new ProbeFailure("connect", `connect failed: ${e.code}`);
  }
  if (typeof e.code === "string" && /^(ENOTFOUND|EAI_AGAIN)$/.test(e.code)) return new ProbeFailure("dns", `cannot resolve host: ${e.code}`);
  if (/timeout/i.test(e.message ?? "")) return new ProbeFailure("timeout", `${phaseName}: ${e.message}`);
  return new ProbeFailure(reason, `${phaseName}: ${e.code ? `${e.code} ` : ""}${e.message}`);
}

function formatAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 120 ? `${(minutes / 60).toFixed(1)} h` : `${minutes} min`;
}
