import { createServer, request, type Server } from "node:http";

/**
 * A plain HTTP proxy on 127.0.0.1 in front of one upstream (e.g. a Prometheus): counts the requests
 * it forwards, and `close()` makes the upstream unreachable for whoever was pointed at the proxy.
 */
export interface CountingProxy {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
