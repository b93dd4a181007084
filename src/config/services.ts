/** The services of the SMT service-level objectives that a check (or a maintenance window) can belong to. */
export const SERVICES = ["gui", "api", "ftps", "han", "call_center"] as const;
export type Service = (typeof SERVICES)[number];

/**
 * How people name each service (notices, pages): file delivery keeps its id `ftps` (rules,
 * dashboards and reports key on it) but runs over SFTP since September 2025 and FTPS beside it.
 */
export const SERVICE_DISPLAY_NAMES: Record<Service, string> = {
  gui: "web portal (GUI)",
  api: "energy data API",
  ftps: "file delivery (SFTP/FTPS)",
  han: "HAN device services",
  call_center: "call center",
};

/**
 * The services of the SMT site (portal, API, file delivery, HAN), all but the call center: those the
 * homepage's outage message speaks for (seed 3.3, "the site is unavailable").
 */
export const SITE_SERVICES: readonly Service[] = SERVICES.filter((s) => s !== "call_center");

/**
 * The services a maintenance window (recurring or planned) covers when it names none: the call
 * center is staffed 24x7 and has no reserved window, so its minutes are excluded only by a planned
 * outage that lists `call_center` itself (docs/maintenance.md).
 */
export const DEFAULT_MAINTENANCE_SERVICES: readonly Service[] = SITE_SERVICES;
