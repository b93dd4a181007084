import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runReport } from "./support/report-cli.js";

/**
 * Issue 16, item 4: `report` against a Prometheus that answers a huge or endless (valid) JSON
 * ends within its --timeout with exit 1 and one line on stderr, having read at most its cap.
 * Needs `npm run build` (the CLI in dist/).
 */
const VECTOR_HEAD = '{"status":"success","data":{"resultType":"vector","result":[';
const VECTOR_TAIL = "]}}";

let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function fakePrometheus(answer: (res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      answer(res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("report against a hostile Prometheus", () => {
  it("a valid JSON answer trickled forever (no idle timeout ever fires) ends the report within --timeout, exit 1, one line", async () => {
    const url = await fakePrometheus((res) => {
      res.write(VECTOR_HEAD);
      // One whitespace byte (valid JSON) every 50 ms: the answer never completes, the line never idles.
      const trickle = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(trickle));
    });
    const start = performance.now();
    const result = await runReport(["--prometheus", url, "--month", "2026-03", "--timeout", "2"], { killAfterMs: 20_000 });
    const elapsed = performance.now() - start;
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^smt-monitor report: no complete Prometheus answer within 2 s \(from http:\/\/127\.0\.0\.1:\d+\/\)\n$/);
    // 2 s of deadline plus the start of a Node process.
    expect(elapsed).toBeLessThan(8_000);
  }, 30_000);

  it("a huge valid JSON answer is read up to 64 MiB only: exit 1 with 'exceeded 64 MiB', memory bounded", async () => {
    const total = 96 << 20;
    let sent = 0;
    const url = await fakePrometheus((res) => {
      res.write(VECTOR_HEAD);
      const chunk = Buffer.alloc(1 << 20, 0x20); // JSON whitespace
      let left = total;
      const pump = () => {
        while (left > 0) {
          left -= chunk.length;
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end(VECTOR_TAIL);
      };
      res.on("close", () => (left = 0));
      pump();
    });
    const result = await runReport(["--prometheus", url, "--month", "2026-03", "--timeout", "30"], { killAfterMs: 25_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^smt-monitor report: Prometheus answer exceeded 64 MiB \(from http:\/\/127\.0\.0\.1:\d+\/\)\n$/);
    // The client stopped reading at its cap: what the server got rid of is the cap plus socket buffers.
    expect(sent).toBeLessThan(80 << 20);
  }, 30_000);

  it("--max-answer-mib outside 1..1024 is a usage error (exit 2)", async () => {
    const result = await runReport(["--prometheus", "http://127.0.0.1:9", "--month", "2026-03", "--max-answer-mib", "4096"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('smt-monitor report: --max-answer-mib: expected a whole number of MiB from 1 to 1024, got "4096"\n');
  });
});
