/**
 * Central Prevailing Time, the time of the SMT market: maintenance windows, the SLO's calendar
 * months, energy-data delivery deadlines, notices, dashboards and the simulator all count in it
 * (CST in winter, CDT in summer). The one place that names the zone; a config can still choose
 * another for maintenance calendars, file times and notices. A leaf module: it imports nothing.
 */
export const CENTRAL_TIME_ZONE = "America/Chicago";
