import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import express, { type Router } from "express";
import { DateTime } from "luxon";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The simulator's call-center and HAN figure feeds, as a file drop (`<state dir>/feeds/`) and over
 * HTTP on the admin port (`GET /feeds/call-center-tickets.csv`, `GET /feeds/han-devices.json`):
 * - tickets: monthly counts by type (`month,type,count`) for the current month and the 12 before;
 * - HAN devices: one object per device (`esiid`, `device_mac_id`, `status`), spread over the five
 *   TDSP territories.
 * `POST /feeds {"bad_rows": true}` adds malformed rows to both (a count that is not a number, a month
 * 13, a short CSV row; an ESIID of no TDSP, a device without status, a MAC given twice), as a
 * ticketing export with junk in it would; `false` removes them. Figures are deterministic for a month.
 */
export const TICKET_TYPES = ["Account Access", "Password Reset", "Energy Data Access", "Third-Party Agreement", "HAN Device Support", "Other"] as const;

const HAN_TERRITORY_PREFIXES = [
  { prefix: "1044372", digits: 17, devices: 24 }, // Oncor
  { prefix: "1008901", digits: 22, devices: 18 }, // CenterPoint
  { prefix: "1003278", digits: 17, devices: 9 }, // AEP Texas Central
  { prefix: "1020404", digits: 17, devices: 6 }, // AEP Texas North
  { prefix: "1040051", digits: 17, devices: 3 }, // TNMP
] as const;
const HAN_STATUSES = ["Joined", "Joined", "Joined", "Pending", "Failed", "Deprovisioned"] as const;

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Tickets of a type in a month; the current month counts only the days so far. */
export function simulatedTickets(month: string, type: string, now: number): number {
  const full = 20 + (hash(`${month}|${type}`) % 180);
  const local = DateTime.fromMillis(now, { zone: CENTRAL_TIME_ZONE });
  if (month !== local.toFormat("yyyy-MM")) return full;
  return Math.floor((full * local.day) / local.daysInMonth!);
}

export function ticketsCsv(now: number, badRows: boolean): string {
  const current = DateTime.fromMillis(now, { zone: CENTRAL_TIME_ZONE }).startOf("month");
  const lines = ["month,type,count"];
  for (let i = 12; i >= 0; i--) {
    const month = current.minus({ months: i }).toFormat("yyyy-MM");
    for (const type of TICKET_TYPES) lines.push(`${month},${type},${simulatedTickets(month, type, now)}`);
    if (badRows && i === 1) {
      lines.push(`${month},Password Reset Escalation,twelve`);
      lines.push(`${current.toFormat("yyyy")}-13,Other,4`);
      lines.push(`${month},Account Access`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export interface SimulatedHanDevice {
  esiid: string;
  device_mac_id: string;
  status: string;
}

export function hanDevices(badRows: boolean): SimulatedHanDevice[] {
  const devices: SimulatedHanDevice[] = [];
  let n = 0;
  for (const t of HAN_TERRITORY_PREFIXES) {
    for (let i = 1; i <= t.devices; i++) {
      n++;
      const esiid = `${t.prefix}${String(i).padStart(t.digits - t.prefix.length, "0")}`;
      const mac = `00:1D:A3:00:00:00:${(n >> 8).toString(16).padStart(2, "0").toUpperCase()}:${(n & 255).toString(16).padStart(2, "0").toUpperCase()}`;
      devices.push({ esiid, device_mac_id: mac, status: HAN_STATUSES[hash(esiid) % HAN_STATUSES.length]! });
    }
  }
  if (badRows) {
    devices.push({ esiid: "99999999999999999", device_mac_id: "00:1D:A3:FF:FF:FF:00:01", status: "Joined" });
    devices.push({ esiid: "10443720000000099", device_mac_id: "00:1D:A3:FF:FF:FF:00:02", status: "" });
    devices.push({ ...devices[0]! });
  }
  return devices;
}

/** One object per line, so that a bad device's line in the file is its own. */
export function hanDevicesJson(badRows: boolean): string {
  return `{"devices": [\n${hanDevices(badRows)
    .map((d) => `  ${JSON.stringify(d)}`)
    .join(",\n")}\n]}\n`;
}

export class FigureFeeds {
  readonly dir: string;
  private badRows = false;

  constructor(
    stateDir: string,
    private readonly now: () => number,
  ) {
    this.dir = join(stateDir, "feeds");
    mkdirSync(this.dir, { recursive: true });
    this.write();
  }

  get files(): { tickets: string; hanDevices: string } {
    return { tickets: join(this.dir, "call-center-tickets.csv"), hanDevices: join(this.dir, "han-devices.json") };
  }

  setBadRows(on: boolean): void {
    this.badRows = on;
    this.write();
  }

  get status(): { bad_rows: boolean } {
    return { bad_rows: this.badRows };
  }

  /** Rewrites the file drop (atomically, as a feed writer should). */
  write(): void {
    const put = (file: string, text: string) => {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    };
    put(this.files.tickets, ticketsCsv(this.now(), this.badRows));
    put(this.files.hanDevices, hanDevicesJson(this.badRows));
  }

  router(): Router {
    const router = express.Router();
    router.get("/feeds/call-center-tickets.csv", (_req, res) => {
      res.type("text/csv").send(ticketsCsv(this.now(), this.badRows));
    });
    router.get("/feeds/han-devices.json", (_req, res) => {
      res.type("application/json").send(hanDevicesJson(this.badRows));
    });
    router.get("/feeds", (_req, res) => {
      res.json(this.status);
    });
    router.post("/feeds", (req, res) => {
      const body = (req.body ?? {}) as { bad_rows?: unknown };
      if (typeof body.bad_rows !== "boolean") {
        res.status(400).json({ error: "bad_rows: expected true or false" });
        return;
      }
      this.setBadRows(body.bad_rows);
      res.json(this.status);
    });
    return router;
  }
}
