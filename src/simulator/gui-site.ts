import express, { type Express } from "express";
import type { FaultBoard } from "./fault-board.js";
import { httpFaults } from "./http-faults.js";

const HOME_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smart Meter Texas</title></head>
<body><header><h1>Smart Meter Texas</h1></header>
<main><p>Access your smart meter energy data, premise and meter information.</p>
<form action="/login" method="post"><input name="username"><input name="password" type="password"><button>Log in</button></form></main>
<footer>Smart Meter Texas Support: 1-844-217-8595</footer></body></html>
`;

/** The portal (www.smartmetertexas.com): a home page that says what it is. */
export function createGuiSite(faults: FaultBoard): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(httpFaults("gui", faults));
  app.get("/", (_req, res) => {
    res.type("html").send(HOME_PAGE);
  });
  app.get("/home", (_req, res) => {
    res.redirect(302, "/");
  });
  return app;
}
