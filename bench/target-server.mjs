// The local HTTPS target for the benchmarks, in its own process: serves the simulator's portal
// home page (about 0.5 kB, "Smart Meter Texas") over TLS with a certificate from the simulator's CA.
// With --http-port Q it also serves the same page over plain HTTP (the HTTP row of bench/probe-cpu.mjs).
// Usage: node bench/target-server.mjs --port P --cert server.pem --key server-key.pem [--http-port Q]
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:https";

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(" ")
    .split("--")
    .filter(Boolean)
    .map((kv) => kv.trim().split(/\s+/, 2)),
);

const HOME_PAGE = Buffer.from(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smart Meter Texas</title></head>
<body><header><h1>Smart Meter Texas</h1></header>
<main><p>Access your smart meter energy data, premise and meter information.</p>
<form action="/login" method="post"><input name="username"><input name="password" type="password"><button>Log in</button></form></main>
<footer>Smart Meter Texas Support: 1-844-217-8595</footer></body></html>
`);

let served = 0;
const serve = (req, res) => {
  served++;
  req.resume();
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": HOME_PAGE.length });
  res.end(HOME_PAGE);
};
const server = createServer({ key: readFileSync(args.key), cert: readFileSync(args.cert) }, serve);
server.on("tlsClientError", () => {});
const plain = args["http-port"] ? createHttpServer(serve) : undefined;
await new Promise((resolve) => (plain ? plain.listen(Number(args["http-port"]), "127.0.0.1", resolve) : resolve()));
server.listen(Number(args.port), "127.0.0.1", () => process.stderr.write(`listening on 127.0.0.1:${args.port}\n`));

const stop = () => {
  process.stderr.write(`served ${served}\n`);
  server.close();
  server.closeAllConnections();
  plain?.close();
  plain?.closeAllConnections();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
