import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Client } from "basic-ftp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateCertificates, type SimulatorCertificates } from "../src/simulator/certificates.js";
import { FaultBoard } from "../src/simulator/fault-board.js";
import { FtpsSite } from "../src/simulator/ftps-site.js";

/**
 * ftp-srv's RETR read the data connection's socket again after each await; a client gone in
 * between (control or data connection closed: probe timeout, exporter stopped or reloaded) made it
 * throw in a promise nobody awaited ("Cannot read properties of null (reading 'once')", an unhandled
 * rejection that fails the whole suite) or wait forever. The simulator's FTPS site, in this process,
 * behind a plain listener; clients are raw sockets (plain FTP: the transfer code is the same) and,
 * for the session after, basic-ftp over TLS as the probe.
 */
const dir = mkdtempSync(join(tmpdir(), "smt-ftps-aborts-"));
const deliveries = join(dir, "ftps", "fresh");
const USERNAME = "rep-of-record";
const PASSWORD = "transfer-abort-pw";
let certificates: SimulatorCertificates;
let site: FtpsSite;
let door: Server;
let port: number;
let fileName: string;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onRejection);
  certificates = generateCertificates();
  site = new FtpsSite({
    host: "127.0.0.1",
    dataDir: join(dir, "ftps"),
    username: USERNAME,
    password: PASSWORD,
    certificate: certificates.server,
    faults: new FaultBoard(),
    now: () => Date.now(),
    pasvRange: [47600, 47699],
  });
  door = createServer({ pauseOnConnect: true }, (s) => site.handOver(s));
  await new Promise<void>((resolve) => door.listen(0, "127.0.0.1", resolve));
  port = (door.address() as AddressInfo).port;
  fileName = readdirSync(deliveries).sort()[0]!;
});

afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  door?.close();
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A plain-text FTP control connection; `reply()` is the next final reply line, or "closed". */
class Control {
  private buffer = "";
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly replies: string[] = [];
  private closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf("\r\n"); end >= 0; end = this.buffer.indexOf("\r\n")) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (!/^\d{3} /.test(line)) continue;
        const next = this.waiting.shift();
        if (next) next(line);
        else this.replies.push(line);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      for (const next of this.waiting.splice(0)) next("closed");
    });
  }

  static async loggedIn(): Promise<Control> {
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const control = new Control(socket);
    expect(await control.reply()).toMatch(/^220 /);
    expect(await control.send(`USER ${USERNAME}`)).toMatch(/^331 /);
    expect(await control.send(`PASS ${PASSWORD}`)).toMatch(/^230 /);
    return control;
  }

  /** The next reply; a server that never answers fails the test here, not at the test timeout. */
  reply(): Promise<string> {
    const line = this.replies.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve("closed");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no reply from the FTPS site within 2 s")), 2000);
      this.waiting.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  send(command: string): Promise<string> {
    this.socket.write(`${command}\r\n`);
    return this.reply();
  }

  /** PASV and a connected data socket, with what it receives and a promise of its close. */
  async passive(): Promise<{ data: Socket; received: () => Buffer; closed: Promise<void> }> {
    const reply = await this.send("PASV");
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply);
    if (!m) throw new Error(`no address in the PASV reply ${reply}`);
    const data = connect(Number(m[5]) * 256 + Number(m[6]), "127.0.0.1");
    const chunks: Buffer[] = [];
    data.on("data", (chunk: Buffer) => chunks.push(chunk));
    data.on("error", () => {});
    const closed = new Promise<void>((resolve) => data.once("close", () => resolve()));
    await new Promise((resolve) => data.once("connect", resolve));
    return { data, received: () => Buffer.concat(chunks), closed };
  }
}

/** Resolves after `n` turns of the event loop (the site runs in this process). */
function turns(n: number): Promise<void> {
  return n === 0 ? Promise.resolve() : new Promise((resolve) => setImmediate(() => void turns(n - 1).then(resolve)));
}

/** A whole session as the probe has it: basic-ftp, AUTH TLS, LIST and a download over TLS. */
async function probeLikeSession(): Promise<{ names: string[]; bytes: Buffer }> {
  const client = new Client(10_000);
  try {
    await client.access({ host: "127.0.0.1", port, user: USERNAME, password: PASSWORD, secure: true, secureOptions: { ca: certificates.ca.cert } });
    const names = (await client.list()).map((f) => f.name);
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await client.downloadTo(sink, fileName);
    return { names, bytes: Buffer.concat(chunks) };
  } finally {
    client.close();
  }
}

it("a client gone right after RETR, LIST or NLST raises no unhandled rejection, and the site serves the next session", async () => {
  for (const command of [`RETR ${fileName}`, "LIST", "NLST"]) {
    for (const close of ["end", "reset"] as const) {
      // The control connection closes 0 to 3 turns of the event loop after the command: the
      // moments when ftp-srv's handler was between waiting for the data connection and using it.
      for (let k = 0; k <= 3; k++) {
        const control = await Control.loggedIn();
        const { closed } = await control.passive();
        control.socket.write(`${command}\r\n`);
        await turns(k);
        if (close === "end") control.socket.destroy();
        else control.socket.resetAndDestroy();
        // The site closes the data connection when the control connection is gone.
        await closed;
      }
    }
  }
  const next = await probeLikeSession();
  expect(next.names).toContain(fileName);
  expect(next.bytes.equals(readFileSync(join(deliveries, fileName)))).toBe(true);
  expect(rejections).toEqual([]);
});

it("a data connection reset before the transfer is answered 426, and the session goes on", async () => {
  const control = await Control.loggedIn();
  for (const command of [`RETR ${fileName}`, "LIST", "NLST"]) {
    const { data, closed } = await control.passive();
    data.resetAndDestroy();
    await closed;
    expect(await control.send(command)).toMatch(/^150 /);
    expect(await control.reply()).toMatch(/^426 /);
  }
  // The same session still transfers.
  const { received, closed } = await control.passive();
  expect(await control.send(`RETR ${fileName}`)).toMatch(/^150 /);
  expect(await control.reply()).toMatch(/^226 /);
  await closed;
  expect(received().equals(readFileSync(join(deliveries, fileName)))).toBe(true);
  control.socket.destroy();
  expect(rejections).toEqual([]);
});

it("a data connection closed by the client as RETR starts gets an answer, not a transfer that never ends", async () => {
  const control = await Control.loggedIn();
  for (let k = 0; k <= 2; k++) {
    const { data, closed } = await control.passive();
    const started = control.send(`RETR ${fileName}`);
    await turns(k);
    data.destroy();
    expect(await started).toMatch(/^150 /);
    expect(await control.reply()).toMatch(/^(426|226) /);
    await closed;
  }
  expect(await control.send("NOOP")).toMatch(/^200 /);
  control.socket.destroy();
});

it("a missing file or directory is answered 550 or 451 without the site's own path, and the data connection is closed", async () => {
  const control = await Control.loggedIn();
  for (const [command, code] of [
    ["RETR IntervalMeterUsage00000000000000_00001.CSV.1.asc", "550"],
    ["LIST no-such-directory", "451"],
  ] as const) {
    const { closed } = await control.passive();
    const reply = await control.send(command);
    expect(reply).toMatch(new RegExp(`^${code} `));
    expect(reply).not.toContain(dir);
    await closed;
  }
  control.socket.destroy();
});

it("the delivery site is read-only: uploads, deletes, renames and new directories are refused with 502", async () => {
  const control = await Control.loggedIn();
  for (const command of ["STOR upload.asc", "APPE upload.asc", "STOU", `DELE ${fileName}`, `RNFR ${fileName}`, "MKD incoming", "SITE CHMOD 777 x"]) {
    expect(await control.send(command)).toMatch(/^502 /);
  }
  control.socket.destroy();
  expect(existsSync(join(deliveries, "upload.asc"))).toBe(false);
  expect(readdirSync(deliveries)).toContain(fileName);
});
