/**
 * Central Prevailing Time, the time of the SMT market: maintenance windows, the SLO's calendar
 * months, energy-data delivery deadlines, notices, dashboards and the simulator all count in it
 * (CST in winter, CDT in summer). The one place that names the zone; a config can still choose
 * another for maintenance calendars, file times and notices. A leaf module: it imports nothing.
 */
export const CENTRAL_TIME_ZONE = "America/Chicago";

/**
 * The market's form of a Central date and time, "Saturday, March 7, 2026 02:00", always followed by
 * the zone in force (CST or CDT): as a luxon format (notices, src/notices/central-time.ts) and as
 * the Go layout of the same form (alert annotations, src/rules/availability-rules.ts), so an alert
 * and the notice drafted from it write a time alike.
 */
export const MARKET_DATE_TIME_FORMAT = { luxon: "cccc, LLLL d, yyyy HH:mm", go: "Monday, January 2, 2006 15:04" } as const;
