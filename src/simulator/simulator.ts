import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import express from "express";
import { SERVICES, type Service } from "../config/schema.js";
import { generateCertificates, type SimulatorCertificates } from "./certificates.js";
import { createEnergyApi } from "./energy-api.js";
import { FaultBoard, FAULTS, MAX_FAULT_CLIENTS } from "./fault-board.js";
import { FrontDoor } from "./front-door.js";
import { FtpsSite } from "./ftps-site.js";
import { generateSshKeyPair, SftpSite } from "./sftp-site.js";
import { createGuiSite } from "./gui-site.js";
import { createHanApi } from "./han-api.js";
import { TokenIssuer } from "./token-issuer.js";
import { FigureFeeds } from "./figure-feeds.js";
import { CallCenterFeed } from "./call-center-feed.js";

import { DEFAULT_SIMULATOR_PORTS, type SimulatorPorts } from "./ports.js";
import { MAX_TIMER_DELAY_MS } from "../config/duration.js";

export { DEFAULT_SIMULATOR_PORTS, type SimulatorPorts };

/** The services the simulator serves behind a front door (the call center is a status feed on the admin port). */
type DoorService = Exclude<Service, "call_center">;

export interface SimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  ports?: Partial<SimulatorPorts>;
  /** Where certificates, credentials and FTPS files are written. */
  stateDir: string;
  pasvRange?: [number, number];
  now?: () => number;
}

export interface RunningSimulator {
  host: string;
  ports: SimulatorPorts;
  stateDir: string;
  faults: FaultBoard;
  /** Call-center and HAN figure feeds: files in <stateDir>/feeds and GET /feeds/... on the admin port. */
  feeds: FigureFeeds;
  /** The call center's status feed: a file drop and GET /call-center/status on the admin port. */
  callCenter: CallCenterFeed;
  certificates: SimulatorCertificates;
  /** Files the probes' config can point at (CA, client certificate, credentials). */
  files: {
    ca: string;
    clientCert: string;
    clientKey: string;
    apiUsername: string;
    apiPassword: string;
    ftpsUsername: string;
    ftpsPassword: string;
    legacyPassword: string;
    /** The SFTP site's host key as an OpenSSH known_hosts line ("[host]:port ssh-ed25519 …"). */
    sftpKnownHosts: string;
    /** A passphrase-protected private key (OpenSSH format) the SFTP site accepts for ftpsUsername. */
    sftpPrivateKey: string;
    sftpPassphrase: string;
  };
  /** The SFTP site's host key fingerprint ("SHA256:…"), for host_key_sha256. */
  sftpHostKeySha256: string;
  credentials: { apiUsername: string; apiPassword: string; ftpsUsername: string; ftpsPassword: string; legacyUsername: string; legacyPassword: string };
  /** Injects a fault (for every client, or only for the given client source addresses: fault-board.ts's CLIENT_FAULTS); returns an error text or undefined. */
  setFault(service: Service, fault: string, delayMs?: number, clients?: readonly string[]): Promise<string | undefined>;
  clearFaults(service?: Service): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A fake SMT on loopback for tests and the demo: HTTPS portal, API and HAN API, an FTPS and an SFTP site, and
 * an admin HTTP API that injects faults. Certificates and credentials are generated at start.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? Date.now;
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const certificates = generateCertificates(now());
  const secret = () => randomBytes(12).toString("base64url");
  const credentials = {
    apiUsername: "smt-probe",
    apiPassword: secret(),
    ftpsUsername: "rep-of-record",
    ftpsPassword: secret(),
    legacyUsername: "smt-legacy",
    legacyPassword: secret(),
  };
  const files = {
    ca: join(stateDir, "ca.pem"),
    clientCert: join(stateDir, "client.pem"),
    clientKey: join(stateDir, "client-key.pem"),
    apiUsername: join(stateDir, "api-username"),
    apiPassword: join(stateDir, "api-password"),
    ftpsUsername: join(stateDir, "ftps-username"),
    ftpsPassword: join(stateDir, "ftps-password"),
    legacyPassword: join(stateDir, "legacy-password"),
    sftpKnownHosts: join(stateDir, "sftp-known-hosts"),
    sftpPrivateKey: join(stateDir, "sftp-key"),
    sftpPassphrase: join(stateDir, "sftp-key-passphrase"),
  };
  const sftpPassphrase = secret();
  const sftpHostKey = generateSshKeyPair("smt-simulator-sftp");
  const sftpClientKey = generateSshKeyPair("smt-monitor", sftpPassphrase);
  writeFileSync(files.sftpPrivateKey, sftpClientKey.private, { mode: 0o600 });
  writeFileSync(files.sftpPassphrase, sftpPassphrase, { mode: 0o600 });
  writeFileSync(files.ca, certificates.ca.cert);
  writeFileSync(files.clientCert, certificates.client.cert);
  writeFileSync(files.clientKey, certificates.client.key, { mode: 0o600 });
  writeFileSync(files.apiUsername, credentials.apiUsername);
  writeFileSync(files.apiPassword, credentials.apiPassword, { mode: 0o600 });
  writeFileSync(files.ftpsUsername, credentials.ftpsUsername);
  writeFileSync(files.ftpsPassword, credentials.ftpsPassword, { mode: 0o600 });
  writeFileSync(files.legacyPassword, credentials.legacyPassword, { mode: 0o600 });

  const faults = new FaultBoard();
  const feeds = new FigureFeeds(stateDir, now);
  const callCenter = new CallCenterFeed(stateDir, faults, now);
  const tokens = new TokenIssuer(credentials.apiUsername, credentials.apiPassword, now);
  const legacyAuth = `Basic ${Buffer.from(`${credentials.legacyUsername}:${credentials.legacyPassword}`).toString("base64")}`;
  const validContext = { key: certificates.server.key, cert: certificates.server.cert };
  const expiredContext = { key: certificates.expiredServer.key, cert: certificates.expiredServer.cert };

  const https = (app: express.Express, clientCerts = false): HttpsServer => {
    const server = createHttpsServer({ ...validContext, ca: certificates.ca.cert, requestCert: clientCerts, rejectUnauthorized: false }, app);
    server.on("tlsClientError", () => {});
    return server;
  };
  const httpServers: Record<"gui" | "api" | "han", HttpsServer> = {
    gui: https(createGuiSite(faults, { username: credentials.apiUsername, password: credentials.apiPassword })),
    api: https(createEnergyApi(faults, tokens, now, legacyAuth), true),
    han: https(createHanApi(faults, tokens, now)),
  };
  const ftps = new FtpsSite({
    host,
    dataDir: join(stateDir, "ftps"),
    username: credentials.ftpsUsername,
    password: credentials.ftpsPassword,
    certificate: certificates.server,
    faults,
    now,
    pasvRange: options.pasvRange ?? [40000, 40999],
  });
  const sftp = new SftpSite({
    username: credentials.ftpsUsername,
    password: credentials.ftpsPassword,
    clientPublicKey: sftpClientKey.public,
    hostKey: sftpHostKey,
    wrongHostKey: generateSshKeyPair("not-smt"),
    faults,
    deliveryDirectory: () => ftps.deliveryDirectory(),
  });

  const doors: Record<DoorService, FrontDoor> = {
    gui: new FrontDoor("gui", faults, (s) => httpServers.gui.emit("connection", s), host, false),
    api: new FrontDoor("api", faults, (s) => httpServers.api.emit("connection", s), host, false),
    han: new FrontDoor("han", faults, (s) => httpServers.han.emit("connection", s), host, false),
    ftps: new FrontDoor("ftps", faults, (s) => ftps.handOver(s), host, true),
  };
  // The same service (file delivery) over its second transport: the ftps faults apply to both doors.
  const sftpDoor = new FrontDoor("ftps", faults, (s) => sftp.handOver(s), host, true);

  const applyCertificates = (service: Service) => {
    if (service === "call_center") return;
    const expired = faults.is(service, "expired_cert");
    if (service === "ftps") ftps.useCertificate(expired ? certificates.expiredServer : certificates.server);
    else httpServers[service].setSecureContext({ ...(expired ? expiredContext : validContext), ca: certificates.ca.cert });
  };

  const requested = { ...DEFAULT_SIMULATOR_PORTS, ...options.ports };
  const ports: SimulatorPorts = { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 };
  for (const service of ["gui", "api", "han", "ftps"] as const) {
    ports[service] = await doors[service].listen(requested[service]);
  }
  ports.sftp = await sftpDoor.listen(requested.sftp);
  const knownHostName = ports.sftp === 22 ? host : `[${host}]:${ports.sftp}`;
  writeFileSync(files.sftpKnownHosts, `${knownHostName} ${sftpHostKey.public.trim().split(/\s+/).slice(0, 2).join(" ")}\n`);
  const syncDoors = async (service: Service) => {
    if (service === "call_center") {
      callCenter.write();
      return;
    }
    await doors[service].sync();
    if (service === "ftps") {
      await sftpDoor.sync();
      sftp.sync();
    }
  };

  const setFault = async (service: Service, fault: string, delayMs?: number, clients?: readonly string[]) => {
    const error = faults.set(service, fault, delayMs, now(), clients);
    if (error) return error;
    applyCertificates(service);
    await syncDoors(service);
    return undefined;
  };
  const clearFaults = async (service?: Service) => {
    faults.clear(service);
    for (const s of service ? [service] : ([...Object.keys(doors), "call_center"] as Service[])) {
      applyCertificates(s);
      await syncDoors(s);
    }
  };

  const admin = express();
  admin.disable("x-powered-by");
  admin.use(express.json({ limit: "4kb" }));
  admin.get("/", (_req, res) => {
    res.json({
      ports,
      faults: FAULTS,
      active: faults.list(),
      ca_file: files.ca,
      sftp_host_key_sha256: sftpHostKey.fingerprint,
      feeds: { ...feeds.status, ...feeds.files, call_center_status: callCenter.file },
    });
  });
  admin.get("/-/healthy", (_req, res) => {
    res.type("text/plain").send("Healthy.\n");
  });
  admin.get("/faults", (_req, res) => {
    res.json({ active: faults.list() });
  });
  admin.post("/faults", async (req, res) => {
    const body = (req.body ?? {}) as { service?: unknown; fault?: unknown; delay_ms?: unknown; clients?: unknown };
    if (typeof body.service !== "string" || !(SERVICES as readonly string[]).includes(body.service)) {
      res.status(400).json({ error: `service: expected one of ${SERVICES.map((s) => `"${s}"`).join(", ")}` });
      return;
    }
    if (typeof body.fault !== "string") {
      res.status(400).json({ error: `fault: expected one of ${Object.keys(FAULTS).join(", ")}` });
      return;
    }
    if (
      body.delay_ms !== undefined &&
      (typeof body.delay_ms !== "number" || !Number.isInteger(body.delay_ms) || body.delay_ms < 0 || body.delay_ms > MAX_TIMER_DELAY_MS)
    ) {
      res.status(400).json({ error: `delay_ms: expected a whole number of milliseconds between 0 and ${MAX_TIMER_DELAY_MS}` });
      return;
    }
    if (
      body.clients !== undefined &&
      (!Array.isArray(body.clients) ||
        body.clients.length === 0 ||
        body.clients.length > MAX_FAULT_CLIENTS ||
        !body.clients.every((c) => typeof c === "string" && isIP(c) !== 0))
    ) {
      res.status(400).json({ error: `clients: expected a list of 1 to ${MAX_FAULT_CLIENTS} client source addresses (IPv4 or IPv6), e.g. ["127.0.0.2"]` });
      return;
    }
    const error = await setFault(body.service as Service, body.fault, body.delay_ms, body.clients as string[] | undefined);
    if (error) {
      res.status(400).json({ error });
      return;
    }
    res.json({ active: faults.list() });
  });
  admin.delete("/faults", async (req, res) => {
    const service = typeof req.query.service === "string" ? (req.query.service as Service) : undefined;
    await clearFaults(service);
    res.json({ active: faults.list() });
  });
  admin.use(feeds.router());
  admin.use(callCenter.router());
  const adminServer: HttpServer = createHttpServer(admin);
  await new Promise<void>((done, fail) => {
    adminServer.once("error", fail);
    adminServer.listen(requested.admin, host, () => done());
  });
  const adminAddress = adminServer.address();
  ports.admin = typeof adminAddress === "object" && adminAddress ? adminAddress.port : requested.admin;
  writeFileSync(join(stateDir, "ports.json"), `${JSON.stringify(ports, null, 2)}\n`);

  return {
    host,
    ports,
    stateDir,
    faults,
    feeds,
    callCenter,
    certificates,
    files,
    credentials,
    sftpHostKeySha256: sftpHostKey.fingerprint,
    setFault,
    clearFaults,
    async stop() {
      await Promise.all([...Object.values(doors), sftpDoor].map((d) => d.close()));
      sftp.close();
      for (const server of [...Object.values(httpServers), adminServer]) {
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
      }
      await ftps.close();
    },
  };
}
