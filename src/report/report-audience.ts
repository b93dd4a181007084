import type { Service } from "../config/services.js";
import type { DataService } from "../energy-data/delivery-deadline.js";

/**
 * One report per audience (issue 9 item 6; SLO document sections 3.4 to 7.4): SMT and the TDSPs
 * report GUI figures to the Advanced Metering Working Group (AMWG); API, file delivery (FTPS), HAN
 * and call-center figures to the AMIT Operations Working Group and the AMIT Steering Committee; the
 * JDOA committee reviews all of them, and the issues and change requests. The audience selects the
 * services and sections of the report and its title; the figures themselves are the same.
 */

export const AUDIENCES = ["jdoa", "amwg", "amit"] as const;
export type Audience = (typeof AUDIENCES)[number];
export const DEFAULT_AUDIENCE: Audience = "jdoa";

export interface AudienceSections {
  /** Whom the report is for, in its title. */
  title: string;
  /** The services whose availability, outages and notices are shown. */
  services: readonly Service[];
  /** The energy-data services whose time to market and data quality are shown. */
  dataServices: readonly DataService[];
  callCenter: boolean;
  hanDevices: boolean;
  issues: boolean;
}

export const AUDIENCE_SECTIONS: Readonly<Record<Audience, AudienceSections>> = {
  jdoa: {
    title: "SMT JDOA Committee",
    services: ["gui", "api", "ftps", "han", "call_center"],
    dataServices: ["gui", "api", "ftps"],
    callCenter: true,
    hanDevices: true,
    issues: true,
  },
  amwg: {
    title: "Advanced Metering Working Group (AMWG)",
    services: ["gui"],
    dataServices: ["gui"],
    callCenter: false,
    hanDevices: false,
    issues: false,
  },
  amit: {
    title: "AMIT Operations Working Group and AMIT Steering Committee",
    services: ["api", "ftps", "han", "call_center"],
    dataServices: ["api", "ftps"],
    callCenter: true,
    hanDevices: true,
    issues: false,
  },
};
