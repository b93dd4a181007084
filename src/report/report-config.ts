import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { readConfigFile } from "../config/config-file.js";
import { ConfigError, type ConfigProblem } from "../config/errors.js";
import { resolveHttpSection, type ResolvedCheck } from "../config/load.js";
import { maintenanceConfig } from "../config/maintenance-schema.js";
import { objectivesConfig, type ObjectiveEntry } from "../config/objectives-schema.js";
import { reportConfig } from "../config/report-schema.js";
import { toProblem } from "../config/schema-problem.js";
import { YamlSource } from "../config/yaml-source.js";
import type { DataService, DeliveryDeadline } from "../energy-data/delivery-deadline.js";
import { maintenanceCalendar, type MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import type { FeedLocation } from "../market-figures/figure-source.js";
import { loadReportDeadlines } from "./report-deadlines.js";

/**
 * What `report --config.file` reads of an exporter config: the delivery deadlines
 * (`energy_data.deadlines`), the objectives with their history (`objectives:`), the holidays of the
 * business-day rule (`maintenance.holiday_set`, `maintenance.holidays`, `maintenance.time_zone`) and the issues feed
 * (`report.issues`). Only those sections are read: the checks' secrets are not needed, only the
 * feed's own when it is read over HTTP. Every problem names file, line and field (ConfigError).
 */
export interface ReportSettings {
  deadlines: Record<DataService, DeliveryDeadline>;
  objectives: ObjectiveEntry[];
  calendar: MaintenanceCalendar;
  issuesFeed?: FeedLocation & { timeoutMs: number };
}

export function loadReportSettings(file: string): ReportSettings {
  const deadlines = loadReportDeadlines(file);
  const { source, problems } = YamlSource.parse(readConfigFile(file));
  if (!source) throw new ConfigError(file, problems);
  const root = source.value();
  const section = (key: string): unknown =>
    typeof root === "object" && root !== null && !Array.isArray(root) ? (root as Record<string, unknown>)[key] : undefined;
  const found: ConfigProblem[] = [];
  const parse = <S extends z.ZodType>(schema: S, key: string, value: unknown): z.infer<S> | undefined => {
    const parsed = schema.safeParse(value, { reportInput: true });
    if (parsed.success) return parsed.data;
    found.push(...parsed.error.issues.map((issue) => toProblem({ ...issue, path: [key, ...issue.path] }, source)));
    return undefined;
  };
  const objectives = parse(objectivesConfig, "objectives", section("objectives") ?? []);
  const maintenance = parse(maintenanceConfig, "maintenance", section("maintenance") ?? {});
  const report = parse(reportConfig, "report", section("report") ?? {});
  if (found.length > 0 || !objectives || !maintenance || !report) throw new ConfigError(file, found);
  const settings: ReportSettings = { deadlines, objectives, calendar: maintenanceCalendar(maintenance) };
  const feed = report.issues;
  if (feed) {
    let http: Extract<ResolvedCheck, { kind: "api" }> | undefined;
    if (feed.http) {
      http = resolveHttpSection(file, source, { name: "issues", service: "api", kind: "api", api: feed.http }, ["report", "issues"]) as Extract<
        ResolvedCheck,
        { kind: "api" }
      >;
    }
    settings.issuesFeed = {
      file: feed.file === undefined ? undefined : resolve(dirname(resolve(file)), feed.file),
      http,
      format: feed.format,
      maxBytes: feed.max_bytes,
      timeoutMs: feed.timeout,
    };
  }
  return settings;
}
