import { randomUUID } from "node:crypto";
import type { TLSSocket } from "node:tls";
import express, { type Express, type Request } from "express";
import { DateTime } from "luxon";
import type { FaultBoard } from "./fault-board.js";
import { httpFaults } from "./http-faults.js";
import { intervalRows, SIMULATED_ESIIDS } from "./energy-data.js";
import { requireToken, tokenEndpoint, type TokenIssuer } from "./token-issuer.js";
import { dataLateness, FLAWED_ESIID, flawRows } from "./energy-data-faults.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { SMT_NO_DATA_YET } from "../energy-data/no-data-yet.js";

/**
 * SMT's energy-data API (services.smartmetertexas.net): JWT-style bearer tokens from
 * POST /v2/token/, then JSON POSTs to /v2/15minintervalreads/, /v2/dailyreads/, /v2/meterInfo/,
 * /v2/premise/, and on-demand reads (/odr/, /odrstatus/). Also a legacy mutual-TLS + basic-auth
 * endpoint (/v1/ping/), as the API was before 2025.
 */
export function createEnergyApi(faults: FaultBoard, tokens: TokenIssuer, now: () => number, legacyBasicAuth: string): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(httpFaults("api", faults));
  app.use(express.json({ limit: "64kb" }));

  app.post("/v2/token/", tokenEndpoint("api", faults, tokens));
  const tokenRequired = requireToken("api", faults, tokens);

  const esiidsOf = (req: Request): string[] | undefined => {
    const esiid = (req.body as { esiid?: unknown })?.esiid;
    const list = Array.isArray(esiid) ? esiid : typeof esiid === "string" ? [esiid] : undefined;
    return list?.every((e) => typeof e === "string") ? list : undefined;
  };

  /** Interval data for day D is posted by 06:00 on D+2 (Central time). */
  const latestDay = (): DateTime => {
    const local = DateTime.fromMillis(now() - dataLateness(faults, "api"), { zone: CENTRAL_TIME_ZONE });
    return local.hour >= 6 ? local.minus({ days: 2 }).startOf("day") : local.minus({ days: 3 }).startOf("day");
  };

  app.post("/v2/15minintervalreads/", tokenRequired, (req, res) => {
    const esiids = esiidsOf(req);
    const body = req.body as { trans_id?: string; startDate?: string; endDate?: string };
    if (!esiids || typeof body.startDate !== "string") {
      res.status(400).json({ errorCode: "2", errorMessage: "esiid and startDate (MM/DD/YYYY) are required" });
      return;
    }
    const start = DateTime.fromFormat(body.startDate, "MM/dd/yyyy", { zone: CENTRAL_TIME_ZONE });
    const end = typeof body.endDate === "string" ? DateTime.fromFormat(body.endDate, "MM/dd/yyyy", { zone: CENTRAL_TIME_ZONE }) : start;
    if (!start.isValid || !end.isValid || end < start) {
      res.status(400).json({ errorCode: "2", errorMessage: "startDate and endDate must be MM/DD/YYYY, start before end" });
      return;
    }
    const latest = latestDay();
    const unknown = esiids.filter((e) => !(SIMULATED_ESIIDS as readonly string[]).includes(e));
    if (unknown.length > 0) {
      res.status(200).json({ trans_id: body.trans_id ?? "", errorCode: "3", errorMessage: `ESIID not found: ${unknown.join(",")}` });
      return;
    }
    if (start > latest) {
      res.json({ trans_id: body.trans_id ?? "", ...SMT_NO_DATA_YET });
      return;
    }
    const energyData = [];
    for (const esiid of esiids) {
      for (let day = start; day <= end && day <= latest; day = day.plus({ days: 1 })) {
        let rows = intervalRows(esiid, day);
        if (faults.is("api", "flawed_data") && esiid === FLAWED_ESIID && +day === +latest) rows = flawRows(rows, { duplicate: false });
        energyData.push({
          esiid,
          DT: day.toFormat("MM/dd/yyyy"),
          RevTS: day.plus({ days: 1, hours: 5, minutes: 30 }).toFormat("MM/dd/yyyy HH:mm:ss"),
          RT: "C",
          RD: rows.map((r) => `${r.kwh.toFixed(3)}-${r.estimated ? "E" : "A"}`).join(","),
        });
      }
    }
    res.json({ trans_id: body.trans_id ?? "", esiid: esiids, energyData });
  });

  app.post("/v2/dailyreads/", tokenRequired, (req, res) => {
    const esiids = esiidsOf(req) ?? [];
    const day = latestDay();
    res.json({
      trans_id: (req.body as { trans_id?: string }).trans_id ?? "",
      registerData: esiids.map((esiid) => ({
        esiid,
        readDate: day.toFormat("MM/dd/yyyy"),
        energyDataKwh: intervalRows(esiid, day)
          .reduce((sum, r) => sum + r.kwh, 0)
          .toFixed(3),
      })),
    });
  });

  app.post("/v2/meterInfo/", tokenRequired, (req, res) => {
    const esiids = esiidsOf(req) ?? [];
    res.json({
      trans_id: (req.body as { trans_id?: string }).trans_id ?? "",
      MeterData: esiids.map((esiid) => ({ esiid, meterNumber: `M${esiid.slice(-8)}`, meterStatus: "ACTIVE", meterMultiplier: 1 })),
    });
  });

  app.post("/v2/premise/", tokenRequired, (req, res) => {
    const esiids = esiidsOf(req) ?? [];
    res.json({
      trans_id: (req.body as { trans_id?: string }).trans_id ?? "",
      premiseData: esiids.map((esiid) => ({ esiid, status: "Active", premiseType: "Residential" })),
    });
  });

  const odr = new Map<string, number>();
  app.post("/odr/", tokenRequired, (req, res) => {
    const correlationId = randomUUID();
    odr.set(correlationId, now());
    res.json({ trans_id: (req.body as { trans_id?: string }).trans_id ?? "", correlationId, statusCode: "PEN", statusReason: "Request accepted" });
  });
  app.post("/odrstatus/", tokenRequired, (req, res) => {
    const id = (req.body as { correlationId?: string }).correlationId ?? "";
    const at = odr.get(id);
    if (at === undefined) {
      res.json({ errorCode: "4", errorMessage: "Unknown correlationId" });
      return;
    }
    const done = now() - at > 2000;
    res.json({
      correlationId: id,
      statusCode: done ? "0" : "PEN",
      statusReason: done ? "COMPLETED" : "PENDING",
      odrRead: done ? { registerReading: "12345.678", readingDate: new Date(now()).toISOString() } : undefined,
    });
  });

  app.get("/v1/ping/", (req, res) => {
    // The energy API listens on HTTPS only, so its request sockets are TLS sockets.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) {
      res.status(403).json({ errorCode: "403", errorMessage: "a client certificate signed by the SMT CA is required" });
      return;
    }
    if (faults.is("api", "auth_failure") || req.get("authorization") !== legacyBasicAuth) {
      res.status(401).set("WWW-Authenticate", 'Basic realm="SMT"').json({ errorCode: "401", errorMessage: "Invalid credentials" });
      return;
    }
    res.json({ status: "OK" });
  });

  app.use((_req, res) => {
    res.status(404).json({ errorCode: "404", errorMessage: "Not found" });
  });
  return app;
}
