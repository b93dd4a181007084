/** The services of the SMT service-level objectives that a check (or a maintenance window) can belong to. */
export const SERVICES = ["gui", "api", "ftps", "han"] as const;
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
};
