import { Option, type Command } from "commander";
import { DateTime } from "luxon";
import { ConfigError } from "../config/errors.js";
import { addConfigFileOption, configFileOf } from "./config-file-option.js";
import { loadMaintenanceConfig } from "../config/maintenance-load.js";
import { SERVICES, type Service } from "../config/services.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { maintenanceCalendar, type MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import { maintenanceCalendars } from "../maintenance/maintenance-exclusion.js";
import { sourceLabel, type MaintenanceOccurrence } from "../maintenance/maintenance-window.js";
import { calendarDaysRange, compareCivilDates, parseCivilDate } from "../maintenance/wall-clock-time.js";

interface MaintenanceOptions {
  config: string;
  from: string;
  to: string;
  service?: Service;
  json?: boolean;
}

export function registerMaintenance(program: Command): void {
  const cmd = program.command("maintenance");
  addConfigFileOption(cmd, "the exporter config file (YAML)");
  cmd
    .description(
      "List the planned maintenance windows of a config's maintenance: section between two dates (in the calendar's time zone, " +
        `${CENTRAL_TIME_ZONE} by default), with start and end in local time and UTC, duration, services and source. ` +
        "Only the maintenance section is read: the checks' secrets and TLS files need not exist.",
    )
    .requiredOption("--from <date>", "first day listed, YYYY-MM-DD (from local midnight)")
    .requiredOption("--to <date>", "last day listed, YYYY-MM-DD, inclusive (up to the next local midnight)")
    .addOption(new Option("--service <service>", "only windows covering this service").choices([...SERVICES]))
    .option("--json", "print JSON instead of a table")
    .addHelpText(
      "after",
      "\nWindows overlapping the range are listed whole, one row per configured window (an\n" +
        "occurrence of a recurring window, or a planned outage). The minutes per service at\n" +
        "the end count only the range, and count overlapping windows once: the minutes\n" +
        "availability excludes (by maintenance.exclude: announced = planned outages only,\n" +
        "reserved = the recurring windows too), then the reserved windows' own minutes.\n\n" +
        "Example:\n  smt-monitor maintenance --config.file config/demo.yaml --from 2026-03-01 --to 2026-03-31 --service api",
    )
    .action((opts: Omit<MaintenanceOptions, "config"> & { "config.file"?: string; config?: string }) => {
      process.exitCode = listMaintenance(
        { ...opts, config: configFileOf(cmd, opts) },
        (text) => process.stdout.write(text),
        (text) => process.stderr.write(text),
      );
    });
}

/** Runs the command; returns the exit code (0, or 2 for a bad argument or config). */
export function listMaintenance(opts: MaintenanceOptions, out: (text: string) => void, err: (text: string) => void): number {
  const first = parseCivilDate(opts.from);
  const last = parseCivilDate(opts.to);
  if (!first) return fail(err, `--from: expected a date YYYY-MM-DD, got "${opts.from}"`);
  if (!last) return fail(err, `--to: expected a date YYYY-MM-DD, got "${opts.to}"`);
  if (compareCivilDates(first, last) > 0) return fail(err, `--to (${opts.to}) is before --from (${opts.from})`);
  let config;
  try {
    config = loadMaintenanceConfig(opts.config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return fail(err, e.message);
  }
  const calendar = maintenanceCalendar(config);
  // What availability excludes depends on maintenance.exclude (announced: planned entries only;
  // reserved: the recurring windows too); the reserved windows' own minutes are listed beside.
  const calendars = maintenanceCalendars(config);
  const zone = calendar.timeZone;
  const range = calendarDaysRange(first, last, zone);
  const occurrences = calendar.occurrences(range.start, range.end, opts.service);
  const services = opts.service ? [opts.service] : [...SERVICES];
  const perService = (c: MaintenanceCalendar) => Object.fromEntries(services.map((s) => [s, c.maintenanceMinutes(s, range.start, range.end)]));
  const excluded = perService(calendars.excluded);
  const reserved = perService(calendars.reserved);
  const local = (ms: number) => DateTime.fromMillis(ms, { zone }).setLocale("en-US");

  if (opts.json) {
    const windows = occurrences.map((o) => ({
      source: o.source,
      services: o.services,
      start: local(o.start).toISO({ suppressMilliseconds: true }),
      end: local(o.end).toISO({ suppressMilliseconds: true }),
      start_utc: utc(o.start),
      end_utc: utc(o.end),
      duration_minutes: (o.end - o.start) / 60_000,
    }));
    const body = {
      time_zone: zone,
      from: local(range.start).toISO({ suppressMilliseconds: true }),
      to: local(range.end).toISO({ suppressMilliseconds: true }),
      service: opts.service ?? null,
      windows,
      exclude_policy: calendars.policy,
      excluded_minutes: excluded,
      reserved_minutes: reserved,
    };
    out(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }

  const when = (ms: number) => local(ms).toFormat("ccc yyyy-MM-dd HH:mm ZZZZ");
  const rows = [["source", "services", `start (${zone})`, `end (${zone})`, "start (UTC)", "end (UTC)", "minutes"]];
  for (const o of occurrences) rows.push(row(o, when));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [
    `Maintenance from ${opts.from} to ${opts.to} inclusive (${zone}${opts.service ? `, service ${opts.service}` : ""}): ${occurrences.length} window(s)`,
    ...rows.map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    ),
    "",
    `Minutes excluded from availability in the range (maintenance.exclude: ${calendars.policy}; overlaps counted once): ${services.map((s) => `${s} ${excluded[s]}`).join(", ")}`,
    `Reserved-window minutes in the range: ${services.map((s) => `${s} ${reserved[s]}`).join(", ")}`,
  ];
  if (occurrences.length === 0) lines.splice(1, 1, "(no maintenance windows)");
  out(`${lines.join("\n")}\n`);
  return 0;
}

function row(o: MaintenanceOccurrence, when: (ms: number) => string): string[] {
  return [sourceLabel(o.source), o.services.join(","), when(o.start), when(o.end), utc(o.start), utc(o.end), String((o.end - o.start) / 60_000)];
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/:00\.000Z$/, "Z");
}

function fail(err: (text: string) => void, message: string): number {
  err(`${message}\n`);
  return 2;
}
