import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Http1Exchange, MAX_RESPONSE_HEAD_BYTES } from "../src/probes/http1-exchange.js";
import { ProbeFailure } from "../src/probes/probe.js";

// The probe's own HTTP/1.1 reader (src/probes/http1-exchange.ts) against a real TCP server that
// answers with raw bytes, written in pieces; where Node's client reads the same answer, both must agree.

/** What the server answers to the next connection: the byte pieces written one after the other, then whether it closes. */
let answer: { pieces: (string | Buffer)[]; close: boolean } = { pieces: [], close: true };
let lastRequest = "";
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    let received = "";
    socket.on("data", (d: Buffer) => {
      received += d.toString("latin1");
      if (!received.includes("\r\n\r\n")) return;
      lastRequest = received;
      const { pieces, close } = answer;
      void (async () => {
        for (const piece of pieces) {
          socket.write(piece);
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (close) socket.end();
      })();
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function connected(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.on("error", () => {});
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

interface Read {
  status?: number;
  headers?: IncomingHttpHeaders;
  body?: string;
  failure?: { reason: string; message: string };
}

async function ours(pieces: (string | Buffer)[], options: { close?: boolean; method?: string; maxBodyBytes?: number; body?: Buffer } = {}): Promise<Read> {
  answer = { pieces, close: options.close ?? true };
  const socket = await connected();
  try {
    const exchange = new Http1Exchange(socket, {
      method: options.method ?? "GET",
      target: "/page?x=1",
      headers: { Host: `127.0.0.1:${port}`, Connection: "close", ...(options.body ? { "Content-Length": options.body.length } : {}) },
      ...(options.body ? { body: options.body } : {}),
      maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    });
    const head = await exchange.head;
    const body = await exchange.body();
    return { status: head.status, headers: { ...head.headers }, body: body.toString("latin1") };
  } catch (err) {
    if (err instanceof ProbeFailure) return { failure: { reason: err.reason, message: err.message } };
    throw err;
  } finally {
    socket.destroy();
  }
}

/** The same answer read by Node's own client. */
async function nodes(pieces: (string | Buffer)[], method = "GET"): Promise<Read> {
  answer = { pieces, close: true };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/page?x=1", method, agent: false, headers: { Connection: "close" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: { ...res.headers }, body: Buffer.concat(chunks).toString("latin1") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const page = "<html>Smart Meter Texas</html>";
/** An ASCII answer cut into one-byte pieces. */
const bytes = (text: string) => Array.from(Buffer.from(text, "latin1"), (b) => Buffer.of(b));

describe("the probe's HTTP/1.1 reader", () => {
  it("reads what Node's client reads: framing by length, chunks (with extensions and trailers) or close, interim 1xx heads, repeated headers", async () => {
    const answers: (string | Buffer)[][] = [
      [`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`],
      // One byte at a time, head and body.
      bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${page.length}\r\n\r\n${page}`),
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "6;ext=1\r\n<html>\r\n", "1", "8\r\nSmart Meter Texas</html>\r\n0\r\nX-Trailer: 1\r\n\r\n"],
      bytes(`HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`),
      [`HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n`, page.slice(0, 10), page.slice(10)],
      [
        "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n",
        `HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n`,
      ],
      [
        "HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Many: 1\r\nX-Many:  2 \r\nContent-Type: text/plain\r\nContent-Type: text/html\r\nCookie: c=1\r\nCookie: d=2\r\nContent-Length: 3\r\n\r\nabc",
      ],
      ["HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"],
      ["HTTP/1.1 500\r\nContent-Length: 4\r\n\r\nnope"],
    ];
    for (const pieces of answers) {
      const expected = await nodes(pieces);
      const got = await ours(pieces);
      expect({ got, pieces }).toEqual({ got: expected, pieces });
    }
    // HEAD: no body whatever the headers say.
    const head = ["HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n"];
    expect(await ours(head, { method: "HEAD", close: false })).toEqual(await nodes(head, "HEAD"));
  });

  it("stops at the end of a Content-Length body even when the server keeps the connection open", async () => {
    const got = await ours([`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA`], { close: false });
    expect(got.body).toBe("hello");
  });

  it("fails with the reasons Node's client led to: connect before an answer, protocol for a broken one", async () => {
    expect((await ours([])).failure).toEqual({ reason: "connect", message: "request failed: ECONNRESET (connection reset by the server)" });
    expect((await ours(["HTTP/1.1 200 OK\r\nContent-Le"])).failure?.reason).toBe("connect");
    expect((await ours(["SSH-2.0-OpenSSH_9.2\r\n\r\n"])).failure).toEqual({
      reason: "protocol",
      message: 'request failed: not an HTTP/1.1 status line: "SSH-2.0-OpenSSH_9.2"',
    });
    expect((await ours(["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"])).failure?.reason).toBe("protocol");
    expect((await ours(["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"])).failure?.reason).toBe("protocol");
    expect((await ours(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"])).failure?.message).toMatch(/invalid chunk size/);
    expect((await ours(["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"])).failure).toEqual({
      reason: "protocol",
      message: "response body interrupted: connection closed",
    });
    expect((await ours(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"])).failure?.reason).toBe("protocol");
    const hugeHead = `HTTP/1.1 200 OK\r\n${"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(MAX_RESPONSE_HEAD_BYTES / 50)}\r\n`;
    expect((await ours([hugeHead], { close: false })).failure).toEqual({ reason: "protocol", message: "response head larger than 16 KiB" });
  });

  it("stops reading past max_body_bytes, in every framing", async () => {
    const big = "x".repeat(5000);
    for (const pieces of [
      [`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n${big}`],
      [
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(1000).toString(16)}\r\n${big.slice(0, 1000)}\r\n`.repeat(1),
        ...Array(5).fill(`3e8\r\n${big.slice(0, 1000)}\r\n`),
      ],
      [`HTTP/1.1 200 OK\r\n\r\n${big}`],
    ]) {
      expect((await ours(pieces, { maxBodyBytes: 4096, close: false })).failure).toEqual({
        reason: "body_too_large",
        message: "response body exceeds max_body_bytes (4096)",
      });
    }
  });

  it("writes the request as Node's client would: no Content-Length on a bare GET, 0 on a bare POST, the body's on a POST with one", async () => {
    const ok = ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"];
    await ours(ok);
    expect(lastRequest).toBe(`GET /page?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    await ours(ok, { method: "POST" });
    expect(lastRequest).toBe(`POST /page?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    await ours(ok, { method: "POST", body: Buffer.from('{"a":1}') });
    expect(lastRequest).toBe(`POST /page?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-Length: 7\r\n\r\n{"a":1}`);
  });

  it("refuses a header value that would split the request (a template filled from a response), as Node does", async () => {
    const socket = await connected();
    try {
      expect(
        () => new Http1Exchange(socket, { method: "GET", target: "/", headers: { Authorization: "Bearer x\r\nX-Injected: 1" }, maxBodyBytes: 10 }),
      ).toThrow('Invalid character in header content ["Authorization"]');
      expect(() => new Http1Exchange(socket, { method: "GET", target: "/a b", headers: {}, maxBodyBytes: 10 })).toThrow("unescaped characters");
    } finally {
      socket.destroy();
    }
  });
});
