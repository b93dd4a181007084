import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import express, { type Router } from "express";
import type { FaultBoard } from "./fault-board.js";

/**
 * The status feed of the simulated call center's phone and ticket system, in the shape the
 * `status_feed` check reads by default (docs/configuration.md): `{"state": "up" | "down" |
 * "degraded", "reason": "...", "updated_at": "ISO 8601"}`. Served at `GET /call-center/status` on
 * the admin port and written as a file drop (`<state dir>/feeds/call-center-status.json`). The faults
 * `phone_system_down` and `phone_system_degraded` of service `call_center` change the state.
 */
export interface CallCenterStatus {
  state: "up" | "down" | "degraded";
  reason?: string;
  updated_at: string;
}

export class CallCenterFeed {
  readonly file: string;

  constructor(
    stateDir: string,
    private readonly faults: FaultBoard,
    private readonly now: () => number,
  ) {
    const dir = join(stateDir, "feeds");
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "call-center-status.json");
    this.write();
  }

  status(): CallCenterStatus {
    const updated_at = new Date(this.now()).toISOString();
    if (this.faults.is("call_center", "phone_system_down")) return { state: "down", reason: "phone system unreachable (simulated)", updated_at };
    if (this.faults.is("call_center", "phone_system_degraded")) return { state: "degraded", reason: "long hold times (simulated)", updated_at };
    return { state: "up", updated_at };
  }

  /** Rewrites the file drop atomically (after a fault changed). */
  write(): void {
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(this.status())}\n`);
    renameSync(`${this.file}.tmp`, this.file);
  }

  router(): Router {
    const router = express.Router();
    router.get("/call-center/status", (_req, res) => {
      res.json(this.status());
    });
    return router;
  }
}
