import { basename, join, resolve } from "node:path";
import express, { type Express } from "express";
import { BROWSER_EVIDENCE_FOLDER } from "../probes/browser-evidence.js";
import type { Registry } from "prom-client";
import type { ProbeResult } from "../probes/probe.js";
import { VERSION } from "../version.js";
import { html, joinHtml } from "../web/html.js";
import type { WebSecurity } from "../web/web-security.js";

export interface ExporterAppOptions {
  /** --web.enable-lifecycle: POST /-/reload and /-/quit; without it they answer 403, as Prometheus does. */
  lifecycle: boolean;
  /** --web.config.file: basic auth and headers, in front of every endpoint. */
  security?: WebSecurity;
  onQuit?: () => void;
  /** --data-dir: the browser checks' evidence is served under /evidence/ from there. */
  dataDir?: string;
}

/** Latest result per check, for the landing page. */
export interface CheckStatus {
  service: string;
  kind: string;
  result?: ProbeResult;
  finishedAt?: number;
}

/**
 * What the endpoints use of the exporter (exporter.ts's Exporter), declared here so that this
 * module does not import exporter.ts, which imports it.
 */
export interface ExporterEndpoints {
  readonly metrics: { readonly registry: Registry };
  readonly isReady: boolean;
  readonly location: string;
  readonly status: ReadonlyMap<string, CheckStatus>;
  reload(): Promise<{ ok: true } | { ok: false; error: string }>;
}

/**
 * The exporter's HTTP endpoints, following Prometheus conventions. There is deliberately no
 * `/probe?target=` endpoint: only targets written in the config are ever probed.
 */
export function createExporterApp(exporter: ExporterEndpoints, options: ExporterAppOptions = { lifecycle: false }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  if (options.security) app.use(options.security.guard);

  app.get("/metrics", async (_req, res) => {
    try {
      const body = await exporter.metrics.registry.metrics();
      res.type(exporter.metrics.registry.contentType).send(body);
    } catch (err) {
      res
        .status(500)
        .type("text/plain")
        .send(`error collecting metrics: ${(err as Error).message}\n`);
    }
  });

  app.get("/-/healthy", (_req, res) => {
    res.type("text/plain").send("Healthy.\n");
  });

  app.get("/-/ready", (_req, res) => {
    if (exporter.isReady) res.type("text/plain").send("Ready.\n");
    else res.status(503).type("text/plain").send("Not ready.\n");
  });

  app.all("/-/reload", async (req, res) => {
    if (!lifecycleAllowed(req.method, res)) return;
    const outcome = await exporter.reload();
    if (outcome.ok) res.type("text/plain").send("Configuration reloaded.\n");
    else res.status(500).type("text/plain").send(`failed to reload config: ${outcome.error}\n`);
  });

  app.all("/-/quit", (req, res) => {
    if (!lifecycleAllowed(req.method, res)) return;
    res.type("text/plain").send("Requesting termination... Goodbye!\n");
    res.on("finish", () => options.onQuit?.());
  });

  /** Prometheus' answers: 405 for a method other than POST or PUT, then 403 while --web.enable-lifecycle is off. */
  function lifecycleAllowed(method: string, res: express.Response): boolean {
    if (method !== "POST" && method !== "PUT") {
      res.status(405).set("Allow", "POST, PUT").type("text/plain").send("Only POST or PUT requests allowed.\n");
      return false;
    }
    if (!options.lifecycle) {
      res.status(403).type("text/plain").send("Lifecycle API is not enabled.\n");
      return false;
    }
    return true;
  }

  // The evidence of browser checks' last failures, linked from the landing page: only the files browser-evidence.ts names.
  app.get("/evidence/:file", (req, res) => {
    const file = req.params.file;
    if (options.dataDir === undefined || !EVIDENCE_FILE.test(file)) {
      res.status(404).type("text/plain").send("No such evidence.\n");
      return;
    }
    res.set("X-Content-Type-Options", "nosniff").set("Content-Security-Policy", "default-src 'none'");
    res
      .type(file.endsWith(".png") ? "image/png" : "text/plain")
      .sendFile(join(resolve(options.dataDir), BROWSER_EVIDENCE_FOLDER, file), { dotfiles: "deny" }, (err) => {
        if (err && !res.headersSent) res.status(404).type("text/plain").send("No such evidence.\n");
      });
  });

  app.get("/", (_req, res) => {
    res
      .type("html")
      .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
      .set("X-Content-Type-Options", "nosniff")
      .send(landingPage(exporter));
  });

  return app;
}

/** An evidence file's name: `<check>.<browser>.png` or `.log` (a check name, no path). */
const EVIDENCE_FILE = /^[a-zA-Z_][a-zA-Z0-9_.-]*\.(png|log)$/;

/** The landing page: the latest result of every check, escaped by the html`` template. */
function landingPage(exporter: ExporterEndpoints): string {
  const rows = [...exporter.status.entries()].map(([name, s]) => {
    const state = s.result ? (s.result.success ? "up" : `down: ${s.result.failure?.reason}`) : "pending";
    const when = s.finishedAt ? new Date(s.finishedAt).toISOString() : "";
    const detail = s.result?.failure?.message ?? "";
    const kept = s.result?.browserEvidence;
    const evidence = kept
      ? html`<a href="/evidence/${basename(kept.screenshot)}">screenshot</a> <a href="/evidence/${basename(kept.consoleLog)}">console log</a>`
      : undefined;
    return html`<tr><td>${name}</td><td>${s.service}</td><td>${s.kind}</td><td>${state}</td><td>${when}</td><td>${detail}</td><td>${evidence}</td></tr>`;
  });
  return String(html`<!doctype html><html><head><meta charset="utf-8"><title>SMT exporter</title></head><body>
<h1>SMT exporter ${VERSION}</h1><p>location: ${exporter.location} &middot; <a href="/metrics">metrics</a> &middot; <a href="/-/healthy">healthy</a> &middot; <a href="/-/ready">ready</a></p>
<table border="1" cellpadding="4"><tr><th>check</th><th>service</th><th>kind</th><th>latest</th><th>finished</th><th>detail</th><th>last failure</th></tr>
${joinHtml(rows, "\n")}</table></body></html>`);
}
