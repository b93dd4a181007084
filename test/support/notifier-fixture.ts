import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { loadNotifierConfig } from "../../src/config/notifier-load.js";
import { Notifier } from "../../src/notices/notifier.js";
import { ALERT_ANNOTATIONS as A, ALERT_NAMES } from "../../src/rules/alert-contract.js";
import type { Logger } from "../../src/log/logger.js";
import { captureLogger } from "./capture-logger.js";

export const WEBHOOK_TOKEN = "test-webhook-token-0123456789abcdef";
export const REVIEWER = { name: "alice", password: "alice-review-password-42" };
export const REVIEWER2 = { name: "bob", password: "bob-review-password-4242" };

export interface NotifierConfigOptions {
  port?: number;
  /** YAML list items under channels: (already indented by two spaces). */
  channels?: string;
  /** A YAML maintenance: section body (indented by two spaces). */
  maintenance?: string;
  updateInterval?: string;
  /** More lines of the notices: section (indented by two spaces). */
  notices?: string;
  extra?: string;
  storage?: string;
  outbox?: string;
  /** What the webhook token file holds (default: the token and one newline). */
  webhookTokenFile?: string;
  maxBodyBytes?: number;
}

/** Writes a notifier config and its secret files into dir; returns the config path. */
export function writeNotifierConfig(dir: string, o: NotifierConfigOptions = {}): string {
  writeFileSync(join(dir, "webhook-token"), o.webhookTokenFile ?? `${WEBHOOK_TOKEN}\n`);
  writeFileSync(join(dir, "alice"), `${REVIEWER.password}\n`);
  writeFileSync(join(dir, "bob"), `${REVIEWER2.password}\n`);
  const file = join(dir, "notifier.yaml");
  writeFileSync(
    file,
    `listen_address: "127.0.0.1:${o.port ?? 0}"
external_url: http://127.0.0.1:${o.port ?? 9911}
storage:
  path: ${o.storage ?? "data/notices.db"}
webhook:
  bearer_token_file: webhook-token
  max_body_bytes: ${o.maxBodyBytes ?? 65536}
reviewers:
  - { name: alice, password_file: alice }
  - { name: bob, password_file: bob }
notices:
  from: "Smart Meter Texas <notices@smt.example>"
  to: ["rms@lists.example.org", "amwg@lists.example.org"]
${o.notices ?? ""}
incidents:
  update_interval: ${o.updateInterval ?? "1h"}
outbox:
${o.outbox ?? "  initial_backoff: 200ms\n  max_backoff: 1s\n  poll_interval: 100ms"}
${o.maintenance ? `maintenance:\n${o.maintenance}\n` : ""}${o.channels ? `channels:\n${o.channels}\n` : ""}${o.extra ?? ""}`,
  );
  return file;
}

export interface RunningNotifier {
  notifier: Notifier;
  url: string;
  dir: string;
  configFile: string;
  logs: () => string;
  stop(): Promise<void>;
}

export async function startNotifier(
  o: NotifierConfigOptions & { clock?: () => number; logger?: Logger; tickIntervalMs?: number; webConfigFile?: string } = {},
): Promise<RunningNotifier> {
  const dir = mkdtempSync(join(tmpdir(), "smt-notifier-"));
  const configFile = writeNotifierConfig(dir, o);
  const capture = captureLogger();
  const notifier = new Notifier({
    config: loadNotifierConfig(configFile),
    logger: o.logger ?? capture.logger,
    clock: o.clock,
    tickIntervalMs: o.tickIntervalMs,
    webConfigFile: o.webConfigFile,
  });
  const { port } = await notifier.start();
  return {
    notifier,
    url: `http://127.0.0.1:${port}`,
    dir,
    configFile,
    logs: capture.text,
    async stop() {
      await notifier.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function basic(user: { name: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.name}:${user.password}`).toString("base64")}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface AlertSpec {
  alertname?: string;
  status?: "firing" | "resolved";
  service?: string;
  /** Unix seconds. */
  start?: number;
  endsAt?: string;
  startsAt?: string;
  annotations?: Record<string, string>;
}

/** An Alertmanager v4 webhook payload. */
export function payload(alerts: AlertSpec[], groupKey = `{}:{alertname="${ALERT_NAMES.unplannedOutage}"}`): Record<string, unknown> {
  const list = alerts.map((a) => {
    const alertname = a.alertname ?? ALERT_NAMES.unplannedOutage;
    const start = a.start ?? 1_773_000_000;
    const annotations: Record<string, string> = {
      [A.summary]: `SMT ${a.service ?? "gui"} is down`,
      [A.description]: `Probes of the ${a.service ?? "gui"} service fail.`,
      [A.runbookUrl]: "https://runbooks.example/smt-outage",
      ...(alertname === ALERT_NAMES.unplannedOutage ? { [A.outageStartTimestamp]: String(start), [A.outageStartCentral]: "x" } : {}),
      ...(alertname === ALERT_NAMES.maintenanceOverrun ? { [A.windowEndTimestamp]: String(start) } : {}),
      ...a.annotations,
    };
    return {
      status: a.status ?? "firing",
      labels: { alertname, severity: "critical", ...(a.service !== undefined ? { service: a.service } : { service: "gui" }) },
      annotations,
      startsAt: a.startsAt ?? new Date((start + 900) * 1000).toISOString(),
      endsAt: a.endsAt ?? "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example/graph",
      fingerprint: `${alertname}-${a.service ?? "gui"}-${start}`,
    };
  });
  return {
    version: "4",
    groupKey,
    truncatedAlerts: 0,
    status: list.some((a) => a.status === "firing") ? "firing" : "resolved",
    receiver: "smt-notifier",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.example",
    alerts: list,
  };
}

export async function postWebhook(
  url: string,
  body: unknown,
  init: { token?: string | null; contentType?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": init.contentType ?? "application/json" };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? WEBHOOK_TOKEN}`;
  const res = await fetch(`${url}/alertmanager/webhook`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}
