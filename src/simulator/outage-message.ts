import { SERVICE_DISPLAY_NAMES, SITE_SERVICES, type Service } from "../config/services.js";
import type { FaultBoard, FaultName } from "./fault-board.js";
import { html, type SafeHtml } from "../web/html.js";

/**
 * The portal's outage message (seed 3.3: "The SMT homepage will display a message during outages
 * stating that the site is unavailable"). While any service has an outage fault, the homepage shows
 * a banner naming the services, and the portal's own error pages (500, 503) say the site is
 * unavailable; the `outage_message_missing` fault takes the message away whatever is down,
 * `outage_message_stale` shows the banner while nothing is. The wording matches the demo's
 * `outage_message.pattern` ("(is|are) (currently )?unavailable") and none of the GUI check's
 * body_must_not_match patterns, so the banner never makes the portal itself unavailable.
 */

/** Faults that are no outage: the data's (time to market and quality, docs/slo.md) and the message's own. */
const NOT_OUTAGES: ReadonlySet<FaultName> = new Set<FaultName>(["stale_file", "late_data", "flawed_data", "outage_message_missing", "outage_message_stale"]);

/** The site's services whose injected fault is an outage (the call center's is not the site's: seed 3.3). */
export function servicesDown(faults: FaultBoard): Service[] {
  return SITE_SERVICES.filter((s) => {
    const fault = faults.get(s);
    return fault !== undefined && !NOT_OUTAGES.has(fault.fault);
  });
}

/** The banner the homepage shows now, or undefined for none. */
export function outageBanner(faults: FaultBoard): SafeHtml | undefined {
  if (faults.is("gui", "outage_message_missing")) return undefined;
  const down = faults.is("gui", "outage_message_stale") ? ["the energy data API"] : servicesDown(faults).map((s) => `the ${SERVICE_DISPLAY_NAMES[s]}`);
  if (down.length === 0) return undefined;
  const names = down.length === 1 ? down[0]! : `${down.slice(0, -1).join(", ")} and ${down[down.length - 1]!}`;
  return html`<div class="outage-message" role="alert">Smart Meter Texas service notice: ${names} ${down.length === 1 ? "is" : "are"} unavailable at this time. We apologize for the inconvenience.</div>`;
}

/** The portal's own error page while it is down (the 500 and 503 faults), with the message unless it is missing. */
export function portalErrorPage(faults: FaultBoard, status: number): string {
  const message = faults.is("gui", "outage_message_missing") ? html`` : html`<p>Smart Meter Texas is unavailable at this time. Please try again later.</p>`;
  return html`<!doctype html><html><head><title>Smart Meter Texas - Error ${status}</title></head><body><h1>Smart Meter Texas</h1>${message}</body></html>
`.toString();
}
