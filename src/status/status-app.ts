import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../log/logger.js";
import type { StatusBoard } from "./status-board.js";
import { noticeFeed } from "./status-feed.js";
import { statusPage, STATUS_CSS } from "./status-page.js";

/**
 * The public status endpoints (read-only, no authentication, GET and HEAD only):
 * - /status        the page (HTML, no scripts)
 * - /status.json   the same as a versioned document (docs/status.md)
 * - /status.atom   the Atom feed of sent market notices
 * - /status.css, /-/healthy; / leads to /status
 */
export function createStatusApp(board: StatusBoard, o: { externalUrl: () => string; now: () => number; logger?: Logger }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set({
      "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.status(405).set("Allow", "GET, HEAD").type("text/plain").send("Only GET and HEAD are allowed.\n");
      return;
    }
    next();
  });
  // Caches may keep an answer as long as the figures behind it stay (a minute at most).
  const fresh = "public, max-age=30";
  app.get("/", (_req, res) => res.redirect(303, "/status"));
  app.get("/favicon.ico", (_req, res) => {
    res.status(204).set("Cache-Control", "public, max-age=86400").end();
  });
  app.get("/status.css", (_req, res) => res.type("text/css").set("Cache-Control", "public, max-age=300").send(STATUS_CSS));
  app.get("/status", async (_req, res, next) => {
    try {
      res
        .type("html")
        .set("Cache-Control", fresh)
        .send(statusPage(await board.snapshot()));
    } catch (err) {
      next(err);
    }
  });
  app.get("/status.json", async (_req, res, next) => {
    try {
      // any site may read it (a homepage banner): it holds only what is public
      res.set({ "Cache-Control": fresh, "Access-Control-Allow-Origin": "*" }).json(await board.snapshot());
    } catch (err) {
      next(err);
    }
  });
  app.get("/status.atom", (_req, res, next) => {
    try {
      res
        .type("application/atom+xml")
        .set({ "Cache-Control": fresh, "Access-Control-Allow-Origin": "*" })
        .send(noticeFeed(board.recentNotices(), { baseUrl: o.externalUrl(), nowMs: o.now() }));
    } catch (err) {
      next(err);
    }
  });
  app.get("/-/healthy", (_req, res) => {
    res.type("text/plain").send("Healthy.\n");
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).type("text/plain").send("Not found. The status page is at /status.\n");
  });
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    o.logger?.error({ err, path: req.path }, "status request failed");
    if (!res.headersSent) res.status(500).type("text/plain").send("The status could not be read; try again shortly.\n");
  });
  return app;
}
