import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.js";
import { readSourceText, SourceReadError } from "../src/market-figures/figure-source.js";
import type { ProbeContext } from "../src/probes/probe.js";

/** Issue 16, item 4: a figure source over HTTP is read up to its max_bytes, whatever max_body_bytes says. */
let server: Server;
let base: string;
let sent = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const size = Number(new URL(req.url!, "http://x").searchParams.get("bytes"));
    res.writeHead(200, { "content-type": "text/csv" });
    const body = Buffer.alloc(size, "a,1\n");
    sent = body.length;
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function source(bytes: number, maxBytes: number) {
  const config = parseConfig(
    `market_figures:
  sources:
    - name: tickets
      figure: call_center_tickets
      max_bytes: ${maxBytes}
      http:
        steps:
          - name: feed
            url: ${base}/tickets.csv?bytes=${bytes}
`,
    "smt.yaml",
    {},
  );
  return config.marketData.marketFigures!.sources[0]!;
}

const ctx = (): ProbeContext => ({ signal: AbortSignal.timeout(10_000), phases: {}, facts: {}, note: () => {}, now: Date.now });

describe("a figure source over HTTP", () => {
  it("answering more than max_bytes is not read: SourceReadError naming the cap", async () => {
    const err = await readSourceText(source(5_000, 1_000), ctx()).catch((e: unknown) => e);
    expect(sent).toBe(5_000);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as Error).message).toBe(`${base}/tickets.csv?bytes=5000: body_too_large: response body exceeds max_body_bytes (1000)`);
  });

  it("answering up to max_bytes is read", async () => {
    const text = await readSourceText(source(1_000, 1_000), ctx());
    expect(text.text).toHaveLength(1_000);
  });
});
