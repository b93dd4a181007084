import express, { type Express } from "express";
import type { FaultBoard } from "./fault-board.js";
import { httpFaults } from "./http-faults.js";
import { requireToken, tokenEndpoint, type TokenIssuer } from "./token-issuer.js";

/** Status values of a ZigBee SE device provisioned to a meter. */
export const HAN_DEVICE_STATUSES = ["Pending", "Joined", "Failed", "Deprovisioned"] as const;

interface Device {
  esiid: string;
  deviceMacId: string;
  deviceType: string;
  status: (typeof HAN_DEVICE_STATUSES)[number];
  updated: string;
}

/**
 * A plausible HAN API (no public spec exists): token, then provisioning, de-provisioning,
 * messaging and device status. Endpoints are configurable in the probe, so a real one can differ.
 */
export function createHanApi(faults: FaultBoard, tokens: TokenIssuer, now: () => number): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(httpFaults("han", faults));
  app.use(express.json({ limit: "64kb" }));
  const devices = new Map<string, Device>();
  const seed: Device = {
    esiid: "10443720000000001",
    deviceMacId: "00:1D:A3:00:00:00:00:01",
    deviceType: "IHD",
    status: "Joined",
    updated: new Date(now()).toISOString(),
  };
  devices.set(seed.deviceMacId, seed);

  app.post("/v2/token/", tokenEndpoint("han", faults, tokens));
  const tokenRequired = requireToken("han", faults, tokens);

  app.post("/v2/han/devicestatus/", tokenRequired, (req, res) => {
    const mac = (req.body as { deviceMacId?: string }).deviceMacId ?? "";
    const device = devices.get(mac);
    if (!device) {
      res.status(404).json({ errorCode: "5", errorMessage: `device ${mac} is not provisioned` });
      return;
    }
    res.json(device);
  });

  app.post("/v2/han/provision/", tokenRequired, (req, res) => {
    const { esiid, deviceMacId, deviceType } = req.body as Partial<Device>;
    if (typeof esiid !== "string" || typeof deviceMacId !== "string") {
      res.status(400).json({ errorCode: "2", errorMessage: "esiid and deviceMacId are required" });
      return;
    }
    const device: Device = { esiid, deviceMacId, deviceType: deviceType ?? "IHD", status: "Pending", updated: new Date(now()).toISOString() };
    devices.set(deviceMacId, device);
    res.status(202).json(device);
  });

  app.post("/v2/han/deprovision/", tokenRequired, (req, res) => {
    const device = devices.get((req.body as { deviceMacId?: string }).deviceMacId ?? "");
    if (!device) {
      res.status(404).json({ errorCode: "5", errorMessage: "device is not provisioned" });
      return;
    }
    device.status = "Deprovisioned";
    device.updated = new Date(now()).toISOString();
    res.json(device);
  });

  app.post("/v2/han/message/", tokenRequired, (req, res) => {
    const device = devices.get((req.body as { deviceMacId?: string }).deviceMacId ?? "");
    if (!device || device.status !== "Joined") {
      res.status(409).json({ errorCode: "6", errorMessage: "device is not joined" });
      return;
    }
    res.status(202).json({ messageId: `MSG${now()}`, status: "Queued" });
  });

  app.use((_req, res) => {
    res.status(404).json({ errorCode: "404", errorMessage: "Not found" });
  });
  return app;
}
