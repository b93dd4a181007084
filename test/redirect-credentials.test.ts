import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { generateCertificates } from "../src/simulator/certificates.js";

// Issue 16, item 2: configured credentials must not follow a redirect to another origin, and an
// https page must not be followed to http. Real servers on 127.0.0.1: a different port is a
// different origin. `elsewhere` records every request it receives.

const dir = mkdtempSync(join(tmpdir(), "smt-redirect-"));
const certs = generateCertificates();
const caFile = join(dir, "ca.pem");
writeFileSync(caFile, certs.ca.cert);
const PASSWORD = "basic-pa55word";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
}
let elsewhereSeen: Received[] = [];
let originSeen: Received[] = [];
const servers: Server[] = [];
let origin: string;
let elsewhere: string;
let secureOrigin: string;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const elsewherePort = await listen(
    createServer((req, res) => {
      elsewhereSeen.push({ path: req.url ?? "", headers: req.headers });
      res.end("landed");
    }),
  );
  elsewhere = `http://127.0.0.1:${elsewherePort}`;
  // /start -> /hop (same origin) -> elsewhere/landing (another port: another origin)
  const originPort = await listen(
    createServer((req, res) => {
      originSeen.push({ path: req.url ?? "", headers: req.headers });
      if (req.url === "/start") res.writeHead(302, { location: "/hop" }).end();
      else if (req.url === "/hop") res.writeHead(307, { location: `${elsewhere}/landing` }).end();
      else if (req.url === "/broken") res.writeHead(302, { location: "http://[::1/x" }).end();
      else if (req.url === "/ftp") res.writeHead(302, { location: "ftp://127.0.0.1/files" }).end();
      else res.writeHead(404).end();
    }),
  );
  origin = `http://127.0.0.1:${originPort}`;
  const securePort = await listen(
    createHttpsServer({ key: certs.server.key, cert: certs.server.cert }, (req, res) => {
      res.writeHead(302, { location: `${elsewhere}/from-https` }).end();
    }),
  );
  secureOrigin = `https://127.0.0.1:${securePort}`;
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});
beforeEach(() => {
  elsewhereSeen = [];
  originSeen = [];
});

function httpCheck(http: string) {
  const yaml = `checks:
  - name: page
    service: gui
    kind: http
    http:
${http
  .trim()
  .split("\n")
  .map((line) => `      ${line}`)
  .join("\n")}
`;
  const file = join(dir, "smt.yaml");
  writeFileSync(file, yaml);
  return parseConfig(yaml, file, { PW: PASSWORD }).checks[0]!;
}

const CREDENTIALS = `headers: { authorization: "Bearer lower-case-token", X-API-KEY: "api-key-value", Cookie: "session=cookie-value" }`;

function credentialValues(headers: IncomingHttpHeaders): string[] {
  const text = JSON.stringify(headers);
  return ["lower-case-token", "api-key-value", "cookie-value", Buffer.from(`oncall:${PASSWORD}`).toString("base64")].filter((v) => text.includes(v));
}

describe("http checks: what follows a redirect", () => {
  it("keeps every header within the origin and drops every configured one, in any case, at another origin", async () => {
    const result = await runCheck(httpCheck(`url: ${origin}/start\n${CREDENTIALS}`));
    expect(result.failure).toBeUndefined();
    // Same origin: /start and /hop both got everything.
    expect(originSeen.map((r) => r.path)).toEqual(["/start", "/hop"]);
    expect(originSeen[1]!.headers).toMatchObject({ authorization: "Bearer lower-case-token", "x-api-key": "api-key-value", cookie: "session=cookie-value" });
    // Another origin: nothing configured arrives.
    expect(elsewhereSeen.map((r) => r.path)).toEqual(["/landing"]);
    expect(elsewhereSeen[0]!.headers.authorization).toBeUndefined();
    expect(elsewhereSeen[0]!.headers["x-api-key"]).toBeUndefined();
    expect(elsewhereSeen[0]!.headers.cookie).toBeUndefined();
    expect(credentialValues(elsewhereSeen[0]!.headers)).toEqual([]);
    expect(result.log.join("\n")).toContain(`redirect to ${elsewhere}: not sending authorization, X-API-KEY, Cookie (another origin)`);

    // basic_auth, with an upper-case header beside it: neither reaches the other origin.
    const basic = await runCheck(httpCheck(`url: ${origin}/start\nheaders: { AUTHORIZATION-EXTRA: "x" }\nbasic_auth: { username: oncall, password_env: PW }`));
    expect(basic.failure).toBeUndefined();
    expect(originSeen[3]!.headers.authorization).toBe(`Basic ${Buffer.from(`oncall:${PASSWORD}`).toString("base64")}`);
    expect(elsewhereSeen[1]!.headers.authorization).toBeUndefined();
    expect(elsewhereSeen[1]!.headers["authorization-extra"]).toBeUndefined();
  });

  it("sends only the headers named in redirect_keep_headers (any case) to another origin", async () => {
    const result = await runCheck(httpCheck(`url: ${origin}/start\n${CREDENTIALS}\nredirect_keep_headers: [x-api-key]`));
    expect(result.failure).toBeUndefined();
    expect(elsewhereSeen[0]!.headers["x-api-key"]).toBe("api-key-value");
    expect(elsewhereSeen[0]!.headers.authorization).toBeUndefined();
    expect(elsewhereSeen[0]!.headers.cookie).toBeUndefined();
  });

  it("refuses an https -> http redirect with reason redirect unless allow_insecure_redirect is set", async () => {
    const refused = await runCheck(httpCheck(`url: ${secureOrigin}/\ntls: { ca_file: ${caFile} }\n${CREDENTIALS}`));
    expect(refused.failure?.reason).toBe("redirect");
    expect(refused.failure?.message).toBe(
      `redirect from https to http (${elsewhere}) refused: the request would leave TLS; set allow_insecure_redirect: true to follow it`,
    );
    expect(elsewhereSeen).toEqual([]);

    const allowed = await runCheck(httpCheck(`url: ${secureOrigin}/\ntls: { ca_file: ${caFile} }\n${CREDENTIALS}\nallow_insecure_redirect: true`));
    expect(allowed.failure).toBeUndefined();
    expect(elsewhereSeen.map((r) => r.path)).toEqual(["/from-https"]);
    expect(credentialValues(elsewhereSeen[0]!.headers)).toEqual([]);
  });

  it("a Location that is not an http(s) URL fails with reason redirect, naming it", async () => {
    const broken = await runCheck(httpCheck(`url: ${origin}/broken`));
    expect(broken.failure).toEqual({ reason: "redirect", message: 'redirect to an invalid Location "http://[::1/x"' });
    const ftp = await runCheck(httpCheck(`url: ${origin}/ftp`));
    expect(ftp.failure).toEqual({ reason: "redirect", message: "redirect to a ftp: URL refused: only http and https are followed" });
  });

  it("check-config names a bad header name in redirect_keep_headers", () => {
    expect(() => httpCheck(`url: ${origin}/\nredirect_keep_headers: ["X Api Key"]`)).toThrow(
      /smt\.yaml:\d+:\d+: checks\[0\]\.http\.redirect_keep_headers\[0\]: expected an HTTP header name such as X-Api-Key/,
    );
  });
});
