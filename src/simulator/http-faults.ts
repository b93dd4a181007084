import type { NextFunction, Request, Response } from "express";
import type { Service } from "../config/schema.js";
import type { FaultBoard } from "./fault-board.js";
import { armTimer } from "../scheduler/timer.js";

export const ACCESS_DENIED_PAGE = `<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access "http&#58;&#47;&#47;www&#46;smartmetertexas&#46;com&#47;" on this server.<P>
Reference&#32;&#35;18&#46;8f3d1402&#46;1764370000&#46;2a1b3c4d
</BODY>
</HTML>
`;

export const MAINTENANCE_PAGE = `<!doctype html><html><head><title>Smart Meter Texas - Scheduled Maintenance</title></head>
<body><h1>Smart Meter Texas</h1><p>Smart Meter Texas is currently unavailable due to scheduled maintenance.
We apologize for the inconvenience. Please try again later.</p></body></html>
`;

/**
 * Answer-level faults of an HTTP service (connection-level ones are the front door's). `errorPage`
 * gives the HTML of the 500 and 503 answers (the portal's, with its outage message); plain text otherwise.
 */
export function httpFaults(service: Service, faults: FaultBoard, errorPage?: (status: number) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const fault = faults.get(service, req.socket.remoteAddress);
    if (!fault) return next();
    switch (fault.fault) {
      case "slow": {
        const timer = armTimer(fault.delayMs, () => next());
        req.socket.once("close", () => clearTimeout(timer));
        return;
      }
      case "http_500":
        if (errorPage) res.status(500).type("html").send(errorPage(500));
        else res.status(500).type("text/plain").send("Internal Server Error\n");
        return;
      case "http_503":
        res.status(503).set("Retry-After", "120");
        if (errorPage) res.type("html").send(errorPage(503));
        else res.type("text/plain").send("Service Unavailable\n");
        return;
      case "access_denied_page":
        res.status(200).type("html").send(ACCESS_DENIED_PAGE);
        return;
      case "maintenance_page":
        res.status(200).type("html").send(MAINTENANCE_PAGE);
        return;
      default:
        next();
    }
  };
}
