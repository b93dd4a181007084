/**
 * The names the `maintenance:` section (src/config/maintenance-schema.ts) accepts, without its zod
 * schema: the maintenance calendar and the report import these, and loading zod would cost every
 * `report` run (docs/performance.md, "Start-up").
 */

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * What the availability figures exclude (docs/maintenance.md, "Reserved windows and planned
 * maintenance"): `announced` only the minutes of planned maintenance (`planned:`, announced or to
 * be announced to the market); `reserved` also every reserved window (`recurring:`), announced or not.
 */
export const MAINTENANCE_EXCLUDE_POLICIES = ["announced", "reserved"] as const;
export type MaintenanceExcludePolicy = (typeof MAINTENANCE_EXCLUDE_POLICIES)[number];
export const DEFAULT_MAINTENANCE_EXCLUDE_POLICY: MaintenanceExcludePolicy = "announced";
