import express, { type Express } from "express";
import type { FaultBoard } from "./fault-board.js";
import { httpFaults } from "./http-faults.js";
import { outageBanner, portalErrorPage } from "./outage-message.js";
import { portalSession } from "./portal-session.js";
import { html, type SafeHtml } from "../web/html.js";

const homePage = (banner: SafeHtml | undefined) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smart Meter Texas</title></head>
<body><header><h1>Smart Meter Texas</h1></header>${banner}
<main><p>Access your smart meter energy data, premise and meter information.</p>
<form action="/login" method="post"><input name="username"><input name="password" type="password"><button>Log in</button></form></main>
<footer>Smart Meter Texas Support: 1-844-217-8595</footer></body></html>
`;

/**
 * The portal (www.smartmetertexas.com): a home page that says what it is, the outage message while a service is
 * down (outage-message.ts), and the logged-in usage pages (portal-session.ts; `login` is the API's user).
 */
export function createGuiSite(faults: FaultBoard, login: { username: string; password: string }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(httpFaults("gui", faults, (status) => portalErrorPage(faults, status)));
  app.get("/", (_req, res) => {
    res.type("html").send(homePage(outageBanner(faults)).toString());
  });
  app.get("/home", (_req, res) => {
    res.redirect(302, "/");
  });
  app.use(portalSession(faults, login));
  return app;
}
