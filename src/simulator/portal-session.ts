import { randomBytes } from "node:crypto";
import express, { type Express, type Request } from "express";
import type { FaultBoard } from "./fault-board.js";
import { html } from "../web/html.js";

/** The portal's session cookie, set by a good login and required by the usage page. */
export const PORTAL_SESSION_COOKIE = "smt_session";

const loginPage = (failed: boolean) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smart Meter Texas - Log in</title></head>
<body><h1>Log in</h1>${failed ? html`<p class="error">The user ID or password is not valid.</p>` : undefined}
<form action="/login" method="post"><label>User ID <input id="username" name="username"></label>
<label>Password <input id="password" name="password" type="password"></label><button id="login" type="submit">Log in</button></form></body></html>
`;

const usagePage = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smart Meter Texas - Energy usage</title></head>
<body><h1>Energy usage</h1><div id="usage">Loading…</div>
<p><a id="usage-csv" href="/portal-api/usage.csv" download="usage.csv">Download usage (CSV)</a></p><script src="/assets/usage.js"></script></body></html>
`;

/** How late slow_render draws the usage table: longer than any check's timeout (seconds to a minute). */
export const SLOW_RENDER_DELAY_MS = 10 * 60_000;

/**
 * Renders the usage table from /portal-api/usage: the page is empty without JavaScript. The answer's
 * `render_delay_ms` (slow_render) holds the table back, as a slow client-side render would.
 */
const USAGE_SCRIPT = `fetch("/portal-api/usage").then(function (r) { return r.json(); }).then(function (u) {
  var rows = u.days.map(function (d) { return "<tr><td>" + d.date + "</td><td>" + d.kwh.toFixed(2) + "</td></tr>"; }).join("");
  setTimeout(function () {
    document.getElementById("usage").innerHTML = "<table id=\\"usage-table\\"><caption>Daily usage for ESIID " + u.esiid + "</caption>" + rows + "</table>";
  }, u.render_delay_ms || 0);
});
`;
/** What js_error serves instead: a script that throws before rendering anything. */
const BROKEN_USAGE_SCRIPT = `throw new TypeError("Cannot read properties of undefined (reading 'days')");\n`;

/** Firefox's user agent (`… Gecko/20100101 Firefox/153.0`): what js_error_firefox breaks the portal for. */
const FIREFOX_USER_AGENT = /\bFirefox\//;

/** The usage days the page shows and the CSV download holds. */
const USAGE = {
  esiid: "10443720000000001",
  days: [
    { date: "2026-11-27", kwh: 31.4 },
    { date: "2026-11-28", kwh: 28.9 },
  ],
};

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/**
 * The logged-in part of the portal, as people use it in a browser: a login page, a session cookie, and a
 * usage page rendered by JavaScript with a CSV download of the same days. Faults: `login_broken` (good
 * credentials refused), `js_error` (the usage script throws), `js_error_firefox` (it throws for Firefox's user
 * agent only), `asset_500` (the usage script answers 500), `slow_render` (the table appears after
 * SLOW_RENDER_DELAY_MS, longer than any check waits).
 */
export function portalSession(faults: FaultBoard, login: { username: string; password: string }): Express {
  const app = express();
  app.disable("x-powered-by");
  const sessions = new Set<string>();
  app.use(express.urlencoded({ extended: false, limit: "4kb" }));
  app.get("/login", (_req, res) => {
    res.type("html").send(loginPage(false).toString());
  });
  app.post("/login", (req, res) => {
    const body = req.body as Record<string, unknown>;
    const good = body.username === login.username && body.password === login.password && !faults.is("gui", "login_broken");
    if (!good) {
      res.status(200).type("html").send(loginPage(true).toString());
      return;
    }
    const session = randomBytes(16).toString("hex");
    sessions.add(session);
    res.cookie(PORTAL_SESSION_COOKIE, session, { httpOnly: true, secure: true, sameSite: "lax", path: "/" });
    res.redirect(303, "/usage");
  });
  const loggedIn = (req: Request) => sessions.has(cookie(req, PORTAL_SESSION_COOKIE) ?? "");
  app.get("/usage", (req, res) => {
    if (!loggedIn(req)) return res.redirect(302, "/login");
    res.type("html").send(usagePage.toString());
  });
  app.get("/assets/usage.js", (req, res) => {
    if (faults.is("gui", "asset_500")) {
      res.status(500).type("text/plain").send("Internal Server Error\n");
      return;
    }
    const broken = faults.is("gui", "js_error") || (faults.is("gui", "js_error_firefox") && FIREFOX_USER_AGENT.test(req.get("user-agent") ?? ""));
    res.type("application/javascript").send(broken ? BROKEN_USAGE_SCRIPT : USAGE_SCRIPT);
  });
  app.get("/portal-api/usage", (req, res) => {
    if (!loggedIn(req)) return res.status(401).json({ error: "not logged in" });
    res.json(faults.is("gui", "slow_render") ? { ...USAGE, render_delay_ms: SLOW_RENDER_DELAY_MS } : USAGE);
  });
  app.get("/portal-api/usage.csv", (req, res) => {
    if (!loggedIn(req)) return res.status(401).type("text/plain").send("not logged in\n");
    const lines = ["esiid,date,kwh", ...USAGE.days.map((d) => `${USAGE.esiid},${d.date},${d.kwh.toFixed(2)}`)];
    res
      .type("text/csv")
      .attachment("usage.csv")
      .send(`${lines.join("\n")}\n`);
  });
  return app;
}
