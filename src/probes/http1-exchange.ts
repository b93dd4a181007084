import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { KiB } from "../config/byte-count.js";
import { ProbeFailure } from "./probe.js";

/**
 * One HTTP/1.1 request on a socket the probe has just connected (and secured), and the answer read
 * by hand: the status line and headers, then a body framed by Content-Length, chunked
 * Transfer-Encoding or the end of the connection.
 *
 * Node's `http.request` does the same with a ClientRequest, an IncomingMessage, a parser from a pool
 * and two streams per request, built for keep-alive agents a probe does not use (it opens a fresh
 * connection per run and closes it): about 0.35 CPU-ms per request on this machine, a third of an
 * HTTP probe (docs/performance.md). What a probe needs of HTTP/1.1 is small and written below with
 * the limits of Node's client: a response head of at most MAX_RESPONSE_HEAD_BYTES (Node's
 * --max-http-header-size), the body of at most the check's max_body_bytes.
 */

/** Longest response head (status line, headers, interim 1xx heads) read: Node's own default. */
export const MAX_RESPONSE_HEAD_BYTES = 16 * KiB;
/** Longest chunk-size or trailer line in a chunked body. */
const MAX_CHUNK_LINE_BYTES = 4 * KiB;

export interface Http1Request {
  method: string;
  /** The request target: path and query. */
  target: string;
  /** In the order sent; names as written. */
  headers: Record<string, string | number>;
  body?: Buffer;
  maxBodyBytes: number;
}

export interface Http1Head {
  status: number;
  headers: IncomingHttpHeaders;
}

/** A header token (RFC 9110): what a header name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may not contain (Node's rule: control characters other than tab, and anything past Latin-1). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/;
const CHUNK_SIZE = /^[0-9a-fA-F]{1,15}$/;
/** Methods whose requests carry no body unless given one (Node sends no Content-Length for them). */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);
/** Headers of which Node keeps the first and drops repeats; set-cookie becomes a list, cookie joins with "; ", the others with ", ". */
const SINGLE_VALUED = new Set([
  "age",
  "authorization",
  "content-length",
  "content-type",
  "etag",
  "expires",
  "from",
  "host",
  "if-modified-since",
  "if-unmodified-since",
  "last-modified",
  "location",
  "max-forwards",
  "proxy-authorization",
  "referer",
  "retry-after",
  "server",
  "user-agent",
]);

const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

/** The request's head as bytes; a name or value Node would refuse is refused the same way (a bug or a hostile template, not the target's fault). */
function requestHead(req: Http1Request): string {
  if (/[^\u0021-\u00ff]/.test(req.target)) throw new TypeError("Request path contains unescaped characters");
  let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
  let hasLength = false;
  for (const name in req.headers) {
    const value = String(req.headers[name]);
    if (!TOKEN.test(name)) throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
    if (INVALID_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
    if (name.toLowerCase() === "content-length") hasLength = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasLength && !req.body && !BODYLESS_METHODS.has(req.method)) head += "Content-Length: 0\r\n";
  return `${head}\r\n`;
}

type BodyFraming = { kind: "none" } | { kind: "length"; remaining: number } | { kind: "chunked" } | { kind: "close" };

/**
 * Sends the request and reads the answer. `head` resolves once the status line and headers are in
 * (the "processing" phase), `body` once the body is complete (the "transfer" phase). Failures are
 * ProbeFailures with the reasons Node's client led to: "connect" when the connection ends or fails
 * before an answer, "protocol" for an answer that is not HTTP/1.1 or ends early, "body_too_large".
 */
export class Http1Exchange {
  readonly head: Promise<Http1Head>;
  private resolveHead!: (head: Http1Head) => void;
  private rejectHead!: (failure: ProbeFailure) => void;
  private bodyWaiter?: { resolve: (body: Buffer) => void; reject: (failure: ProbeFailure) => void };
  private bodyOutcome?: { body: Buffer } | { failure: ProbeFailure };
  private pending: Buffer | undefined;
  /** Where to look for the end of the head next (bytes before it were searched already). */
  private searchFrom = 0;
  private gotHead = false;
  private framing: BodyFraming = { kind: "none" };
  /** Chunked bodies: what comes next. */
  private chunk: "size" | "data" | "data-end" | "trailers" = "size";
  private chunkRemaining = 0;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private done = false;

  constructor(
    private readonly socket: Socket,
    private readonly req: Http1Request,
  ) {
    this.head = new Promise<Http1Head>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.head.catch(() => {});
    const head = requestHead(req);
    socket.on("data", (data: Buffer) => this.onData(data));
    socket.once("end", () => this.onEnd());
    socket.once("error", (err: NodeJS.ErrnoException) => this.onError(err));
    if (req.body && req.body.length > 0) socket.write(Buffer.concat([Buffer.from(head, "latin1"), req.body]));
    else socket.write(head, "latin1");
  }

  /** The whole body (decoded from chunks), once it is complete. */
  body(): Promise<Buffer> {
    const outcome = this.bodyOutcome;
    if (outcome) return "body" in outcome ? Promise.resolve(outcome.body) : Promise.reject(outcome.failure);
    return new Promise((resolve, reject) => (this.bodyWaiter = { resolve, reject }));
  }

  private fail(failure: ProbeFailure): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    if (!this.gotHead) this.rejectHead(failure);
    else if (this.bodyWaiter) this.bodyWaiter.reject(failure);
    else this.bodyOutcome = { failure };
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    if (this.bodyWaiter) this.bodyWaiter.resolve(body);
    else this.bodyOutcome = { body };
  }

  private onError(err: NodeJS.ErrnoException): void {
    const code = err.code ?? "";
    if (!this.gotHead) {
      this.fail(new ProbeFailure("connect", `request failed: ${code || err.message}${code === "ECONNRESET" ? " (connection reset by the server)" : ""}`));
    } else this.fail(new ProbeFailure("protocol", "response body interrupted: connection closed"));
  }

  private onEnd(): void {
    if (this.done) return;
    if (!this.gotHead) this.fail(new ProbeFailure("connect", "request failed: ECONNRESET (connection reset by the server)"));
    else if (this.framing.kind === "close") this.finish();
    else this.fail(new ProbeFailure("protocol", "response body interrupted: connection closed"));
  }

  private onData(data: Buffer): void {
    if (this.done) return;
    try {
      if (!this.gotHead) {
        const buffered = this.pending ? Buffer.concat([this.pending, data]) : data;
        this.pending = undefined;
        const rest = this.readHeads(buffered);
        if (rest === undefined || this.done) return;
        data = rest;
      }
      this.readBody(data);
    } catch (err) {
      if (err instanceof ProbeFailure) this.fail(err);
      else throw err;
    }
  }

  /** Reads heads (skipping interim 1xx ones) until the final one; returns the bytes after it, or undefined while incomplete. */
  private readHeads(buffered: Buffer): Buffer | undefined {
    for (;;) {
      const end = buffered.indexOf(HEAD_END, this.searchFrom);
      if (end < 0) {
        if (buffered.length > MAX_RESPONSE_HEAD_BYTES) throw new ProbeFailure("protocol", `response head larger than ${MAX_RESPONSE_HEAD_BYTES / KiB} KiB`);
        this.pending = buffered;
        this.searchFrom = Math.max(0, buffered.length - 3);
        return undefined;
      }
      if (end > MAX_RESPONSE_HEAD_BYTES) throw new ProbeFailure("protocol", `response head larger than ${MAX_RESPONSE_HEAD_BYTES / KiB} KiB`);
      const head = parseHead(buffered.toString("latin1", 0, end));
      buffered = buffered.subarray(end + HEAD_END.length);
      this.searchFrom = 0;
      if (head.status >= 100 && head.status < 200 && head.status !== 101) continue; // 100 Continue, 103 Early Hints
      this.framing = framingOf(head, this.req.method);
      this.gotHead = true;
      this.resolveHead(head);
      if (this.framing.kind === "none") this.finish();
      return buffered;
    }
  }

  private take(data: Buffer): void {
    if (data.length === 0) return;
    this.size += data.length;
    if (this.size > this.req.maxBodyBytes) throw new ProbeFailure("body_too_large", `response body exceeds max_body_bytes (${this.req.maxBodyBytes})`);
    this.chunks.push(data);
  }

  private readBody(data: Buffer): void {
    const framing = this.framing;
    if (framing.kind === "close") return this.take(data);
    if (framing.kind === "length") {
      const part = data.length > framing.remaining ? data.subarray(0, framing.remaining) : data;
      framing.remaining -= part.length;
      this.take(part);
      if (framing.remaining === 0) this.finish();
      return;
    }
    if (framing.kind === "chunked") this.readChunks(data);
  }

  private readChunks(data: Buffer): void {
    let buffered = this.pending ? Buffer.concat([this.pending, data]) : data;
    this.pending = undefined;
    while (!this.done && buffered.length > 0) {
      if (this.chunk === "data") {
        const part = buffered.length > this.chunkRemaining ? buffered.subarray(0, this.chunkRemaining) : buffered;
        this.chunkRemaining -= part.length;
        this.take(part);
        buffered = buffered.subarray(part.length);
        if (this.chunkRemaining === 0) this.chunk = "data-end";
        continue;
      }
      const eol = buffered.indexOf(CRLF);
      if (eol < 0) {
        if (buffered.length > MAX_CHUNK_LINE_BYTES) throw new ProbeFailure("protocol", "response body: chunk line too long");
        this.pending = buffered;
        return;
      }
      const line = buffered.toString("latin1", 0, eol);
      buffered = buffered.subarray(eol + CRLF.length);
      if (this.chunk === "data-end") {
        if (line !== "") throw new ProbeFailure("protocol", "response body: chunk not followed by CRLF");
        this.chunk = "size";
      } else if (this.chunk === "size") {
        const size = line.split(";", 1)[0]!.trim();
        if (!CHUNK_SIZE.test(size)) throw new ProbeFailure("protocol", `response body: invalid chunk size ${JSON.stringify(line.slice(0, 40))}`);
        this.chunkRemaining = parseInt(size, 16);
        this.chunk = this.chunkRemaining === 0 ? "trailers" : "data";
      } else if (line === "") {
        this.finish(); // the empty line after the trailers: the body is complete
      }
    }
  }
}

function parseHead(text: string): Http1Head {
  const lines = text.split("\r\n");
  const status = STATUS_LINE.exec(lines[0]!);
  if (!status) throw new ProbeFailure("protocol", `request failed: not an HTTP/1.1 status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  const headers = Object.create(null) as Record<string, string | string[]>;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).toLowerCase() : "";
    if (!TOKEN.test(name)) throw new ProbeFailure("protocol", `request failed: invalid header line ${JSON.stringify(line.slice(0, 80))}`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    const previous = headers[name];
    if (previous === undefined) headers[name] = name === "set-cookie" ? [value] : value;
    else if (Array.isArray(previous)) previous.push(value);
    else if (!SINGLE_VALUED.has(name)) headers[name] = `${previous}${name === "cookie" ? "; " : ", "}${value}`;
  }
  return { status: Number(status[1]), headers: headers };
}

function framingOf(head: Http1Head, method: string): BodyFraming {
  const { status, headers } = head;
  if (method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200)) return { kind: "none" };
  const te = headers["transfer-encoding"];
  if (te !== undefined) {
    const codings = te.toLowerCase().split(",");
    return codings[codings.length - 1]!.trim() === "chunked" ? { kind: "chunked" } : { kind: "close" };
  }
  const length = headers["content-length"];
  if (length !== undefined) {
    if (!/^\d{1,15}$/.test(length)) throw new ProbeFailure("protocol", `request failed: invalid Content-Length ${JSON.stringify(length.slice(0, 40))}`);
    const remaining = Number(length);
    return remaining === 0 ? { kind: "none" } : { kind: "length", remaining };
  }
  return { kind: "close" };
}
