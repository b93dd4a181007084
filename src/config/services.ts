/** The services of the SMT service-level objectives that a check (or a maintenance window) can belong to. */
export const SERVICES = ["gui", "api", "ftps", "han"] as const;
export type Service = (typeof SERVICES)[number];
