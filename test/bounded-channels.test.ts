import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { DraftAnnouncement } from "../src/notices/channels/notice-channel.js";
import { SmtpChannel } from "../src/notices/channels/smtp-channel.js";
import { WebhookChannel } from "../src/notices/channels/webhook-channel.js";

/**
 * Issue 16, item 4: the notifier's channels read their peer's answer under a total deadline (the
 * channel's timeout) and a byte cap, whatever the peer does.
 */
const ANNOUNCEMENT: DraftAnnouncement = {
  noticeId: "SMT-2026-0001",
  kind: "unplanned_outage",
  subject: "SMT portal unavailable",
  services: ["gui"],
  reviewUrl: "http://127.0.0.1/notices/SMT-2026-0001",
  createdAt: Date.UTC(2026, 2, 1),
  body: "The SMT portal is unavailable.",
};

const servers: (Server | TcpServer)[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function listen(server: Server | TcpServer): Promise<number> {
  servers.push(server);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** Resolves with the outcome of `work` and how long it took. */
async function timed(work: () => Promise<void>): Promise<{ error?: string; ms: number }> {
  const start = performance.now();
  try {
    await work();
    return { ms: performance.now() - start };
  } catch (err) {
    return { error: (err as Error).message, ms: performance.now() - start };
  }
}

describe("webhook channel", () => {
  const channel = (port: number, timeoutMs: number) => new WebhookChannel({ name: "chat", url: `http://127.0.0.1:${port}/hook`, timeoutMs, headers: {} });

  it("an endpoint whose error answer never ends (trickled) fails within the channel's timeout", async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(500, { "content-type": "text/plain" });
        res.write("busy");
        const trickle = setInterval(() => res.write("."), 50);
        res.on("close", () => clearInterval(trickle));
      }),
    );
    const r = await timed(() => channel(port, 1_000).announce(ANNOUNCEMENT));
    expect(r.error).toBe("webhook answered HTTP 500, then no complete webhook answer within 1 s");
    expect(r.ms).toBeLessThan(3_000);
  });

  it("an endpoint that answers an endless body is read up to 64 KiB, then dropped", async () => {
    let sent = 0;
    const port = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(502, { "content-type": "text/plain" });
        const chunk = Buffer.alloc(64 << 10, "x");
        const pump = () => {
          // At most 256 MiB, so that a client without a cap still ends.
          while (sent < 256 << 20) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      }),
    );
    const r = await timed(() => channel(port, 5_000).announce(ANNOUNCEMENT));
    expect(r.error).toBe("webhook answered HTTP 502, then webhook answer exceeded 64 KiB");
    expect(r.ms).toBeLessThan(2_000);
    expect(sent).toBeLessThan(16 << 20);
  });
});

describe("SMTP channel", () => {
  const channel = (port: number, timeoutMs: number) =>
    new SmtpChannel({
      name: "mail",
      host: "127.0.0.1",
      port,
      security: "none",
      from: "smt@example.net",
      to: ["oncall@example.net"],
      timeoutMs,
      insecureSkipVerify: false,
    });

  it("a server that trickles an endless reply (each line in time, the reply never complete) fails within the channel's timeout", async () => {
    const port = await listen(
      createTcpServer((socket) => {
        socket.on("error", () => {});
        socket.write("220 mail.example ESMTP\r\n");
        socket.once("data", () => {
          // EHLO: a multi-line reply that goes on forever, one short line every 50 ms.
          const trickle = setInterval(() => socket.write("250-PIPELINING\r\n"), 50);
          socket.on("close", () => clearInterval(trickle));
        });
      }),
    );
    const mail = channel(port, 1_000);
    const r = await timed(() => mail.announce(ANNOUNCEMENT));
    await mail.close();
    expect(r.error).toBe("no complete SMTP answer within 1 s");
    expect(r.ms).toBeLessThan(3_000);
  });
});
