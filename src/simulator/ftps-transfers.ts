import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * The FTPS site's data-connection commands (RETR, LIST, NLST), replacing ftp-srv's own.
 *
 * ftp-srv (4.6.3, its latest) reads `this.connector.socket` again after every await of a transfer.
 * When the client goes away in between (a probe's timeout, an exporter stopped or reloaded), ftp-srv
 * has already ended that connector and put an empty one, whose socket is null, in its place: RETR
 * then throws inside a promise nobody awaits (an unhandled rejection: "Cannot read properties of
 * null (reading 'once')"), or pauses the file stream and waits for it forever; LIST writes the
 * listing onto the control connection and answers 226. These handlers take the data socket once,
 * from the connector that was waited on, and pipe into it with `stream.pipeline`, which notices a
 * data connection closed or reset by either side, destroys both streams and rejects exactly once.
 * Replies: 425 when no data connection was made, 426 when it closed before the transfer ended, 226
 * when it is complete; 550 (RETR) or 451 (LIST, NLST) when the file or directory cannot be read.
 */

interface FtpCommand {
  directive: string;
  arg: string | null;
}

interface FileStat {
  name: string;
  isDirectory(): boolean;
}

interface DataConnector {
  waitForConnection(): PromiseLike<Socket>;
  end(): void;
}

/** The parts of ftp-srv's connection (`this` in a command handler) these handlers use. */
interface FtpSession {
  fs?: {
    read?(path: string, options: { start?: number }): unknown;
    get?(path: string): unknown;
    list?(path: string): unknown;
  };
  connector: DataConnector;
  commandSocket: Socket;
  restByteCount: number | undefined;
  encoding: BufferEncoding;
  server: { options: { file_format?: unknown } };
  reply(code: number, message?: string): PromiseLike<unknown>;
}

type CommandHandler = (this: FtpSession, args: { command: FtpCommand }) => PromiseLike<unknown>;

const requireFtpSrv = createRequire(import.meta.url);
const registered = (file: string) => requireFtpSrv(`ftp-srv/src/commands/registration/${file}`) as { handler: CommandHandler };
/** ftp-srv's formatter of a LIST line ("ls" by default, or the server's `file_format`). */
const formatFileStat = requireFtpSrv("ftp-srv/src/helpers/file-stat.js") as (stat: FileStat, format: unknown) => string;

/** What a transfer sends: the bytes, and the text of its 226 reply. */
interface Outgoing {
  source: Readable;
  done?: string;
}

/**
 * Waits for the passive data connection, opens the source (`open`; its failure is answered with
 * `failedCode`), answers 150, sends it and answers 226, 426 or 425. The control connection is paused
 * meanwhile (no command is read during a transfer) and the data connection is always closed after.
 */
async function transfer(session: FtpSession, open: () => Promise<Outgoing>, failedCode: number): Promise<void> {
  let data: Socket;
  try {
    data = await session.connector.waitForConnection();
  } catch (err) {
    await session.reply(425, `No data connection: ${messageOf(err)}`);
    session.connector.end();
    return;
  }
  session.commandSocket.pause();
  try {
    let outgoing: Outgoing;
    try {
      outgoing = await open();
    } catch (err) {
      await session.reply(failedCode, messageOf(err));
      return;
    }
    // Until the pipeline owns it, a source that fails is answered below, not thrown as an event.
    const quiet = () => {};
    outgoing.source.on("error", quiet);
    await session.reply(150);
    outgoing.source.off("error", quiet);
    // Reading lets a data connection closed by the client be noticed (its end or reset).
    data.resume();
    try {
      await pipeline(outgoing.source, data);
    } catch {
      await session.reply(426);
      return;
    }
    await session.reply(226, outgoing.done);
  } finally {
    session.connector.end();
    session.commandSocket.resume();
  }
}

function messageOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  // A Node file-system error names the site's own path; its code alone says what went wrong.
  if (typeof e?.code === "string" && typeof e.syscall === "string") return `File unavailable (${e.code})`;
  return err instanceof Error ? err.message : String(err);
}

const retr: CommandHandler = function ({ command }) {
  const fs = this.fs;
  if (!fs?.read) return this.reply(550, "File system not instantiated");
  const read = fs.read.bind(fs);
  const path = command.arg ?? "";
  return transfer(
    this,
    async () => {
      const opened = (await read(path, { start: this.restByteCount })) as Readable | { stream: Readable; clientPath?: string };
      this.restByteCount = 0;
      return opened instanceof Readable ? { source: opened, done: path } : { source: opened.stream, done: opened.clientPath ?? path };
    },
    550,
  );
};

const list: CommandHandler = function ({ command }) {
  const fs = this.fs;
  if (!fs?.get || !fs.list) return this.reply(550, "File system not instantiated");
  const get = fs.get.bind(fs);
  const listDirectory = fs.list.bind(fs);
  const namesOnly = command.directive === "NLST";
  const path = command.arg ?? ".";
  const format = this.server.options.file_format ?? "ls";
  return transfer(
    this,
    async () => {
      const stat = (await get(path)) as FileStat;
      const files = stat.isDirectory() ? ((await listDirectory(path)) as FileStat[]) : [stat];
      const text = files.map((f) => `${namesOnly ? f.name : formatFileStat(f, format)}\r\n`).join("");
      return { source: Readable.from(text ? [Buffer.from(text, this.encoding)] : []) };
    },
    451,
  );
};

registered("retr.js").handler = retr;
registered("list.js").handler = list;
// ftp-srv's NLST keeps its own reference to the LIST handler it was loaded with.
registered("nlst.js").handler = list;
