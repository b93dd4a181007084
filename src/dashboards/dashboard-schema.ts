import { z } from "zod";
import { PROMETHEUS_DATASOURCE_UID } from "./dashboard-kit.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The Grafana dashboard JSON model (schemaVersion 42, Grafana 11/12 file provisioning) as far as the
 * smt-monitor dashboards use it: a strict schema of the structure (unknown keys are errors, so a typo
 * or a field from another model shows up), then the checks a schema cannot express: unique ids,
 * panels inside the 24-column grid and not overlapping, queries on the provisioned data source, every
 * `$variable` defined. Panel options and field config stay open records: they differ per panel type.
 */

const datasourceRef = z.strictObject({ type: z.literal("prometheus"), uid: z.string().min(1) });
const gridPos = z.strictObject({
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
  w: z.number().int().min(1).max(24),
  h: z.number().int().min(1),
});
/** Grafana relative times: "5m", "24h", "now/M" … and time shifts "1M/M", "2h". */
const relativeTime = z.string().regex(/^(now(\/[smhdwMy])?|\d+[smhdwMy](\/[smhdwMy])?)$/, 'expected a relative time like "5m", "now/M" or "1M/M"');

const target = z.strictObject({
  refId: z.string().regex(/^[A-Z]$/, "expected a refId A-Z"),
  datasource: datasourceRef,
  expr: z.string().min(1),
  editorMode: z.enum(["code", "builder"]).optional(),
  instant: z.boolean(),
  range: z.boolean(),
  format: z.enum(["time_series", "table", "heatmap"]).optional(),
  legendFormat: z.string().optional(),
  interval: z.string().optional(),
});

const transformation = z.strictObject({
  id: z.enum(["merge", "organize", "joinByField", "sortBy", "filterFieldsByName"]),
  options: z.record(z.string(), z.unknown()),
  disabled: z.boolean().optional(),
});

const fieldConfig = z.strictObject({
  defaults: z.record(z.string(), z.unknown()),
  overrides: z.array(
    z.strictObject({
      matcher: z.strictObject({ id: z.string(), options: z.unknown() }),
      properties: z.array(z.strictObject({ id: z.string(), value: z.unknown() })),
    }),
  ),
});

const PANEL_TYPES = ["stat", "table", "timeseries", "state-timeline", "bargauge"] as const;

const panel = z.strictObject({
  type: z.enum(PANEL_TYPES),
  id: z.number().int().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  datasource: datasourceRef,
  gridPos,
  targets: z.array(target).min(1),
  transparent: z.boolean().optional(),
  repeatDirection: z.enum(["h", "v"]).optional(),
  options: z.record(z.string(), z.unknown()),
  fieldConfig,
  transformations: z.array(transformation).optional(),
  interval: z
    .string()
    .regex(/^\d+[smh]$/)
    .optional(),
  maxDataPoints: z.number().int().min(1).optional(),
  timeFrom: relativeTime.optional(),
  timeShift: relativeTime.optional(),
});

const rowPanel = z.strictObject({
  type: z.literal("row"),
  id: z.number().int().min(1),
  title: z.string().min(1),
  collapsed: z.literal(false),
  panels: z.array(z.never()),
  gridPos: gridPos.refine((g) => g.x === 0 && g.w === 24 && g.h === 1, "a row spans the whole width, one unit high"),
});

const variableOption = z.strictObject({
  text: z.union([z.string(), z.array(z.string())]),
  value: z.union([z.string(), z.array(z.string())]),
  selected: z.boolean().optional(),
});
const queryVariable = z.strictObject({
  type: z.literal("query"),
  name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  label: z.string(),
  datasource: datasourceRef,
  query: z.string().regex(/^label_values\(/, "expected label_values(...)"),
  definition: z.string(),
  refresh: z.union([z.literal(1), z.literal(2)]),
  sort: z.number().int().min(0).max(8),
  multi: z.boolean(),
  includeAll: z.boolean(),
  allValue: z.string().optional(),
  allowCustomValue: z.boolean().optional(),
  current: variableOption,
  skipUrlSync: z.boolean(),
  auto: z.boolean().optional(),
  auto_min: z.string().optional(),
  auto_count: z.number().optional(),
});

const annotation = z.strictObject({
  name: z.string().min(1),
  enable: z.boolean(),
  hide: z.boolean(),
  iconColor: z.string(),
  builtIn: z.literal(0),
  placement: z.string().optional(),
  datasource: datasourceRef,
  expr: z.string().min(1),
  step: z.string().regex(/^\d+[smh]$/),
  titleFormat: z.string(),
  textFormat: z.string(),
  tagKeys: z.string(),
});

const link = z.strictObject({
  title: z.string(),
  type: z.enum(["dashboards", "link"]),
  icon: z.string(),
  tooltip: z.string(),
  tags: z.array(z.string()),
  asDropdown: z.boolean(),
  placement: z.string().optional(),
  targetBlank: z.boolean(),
  includeVars: z.boolean(),
  keepTime: z.boolean(),
});

export const dashboardSchema = z.strictObject({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, "expected a uid of up to 40 letters, digits, '-' and '_'"),
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()),
  timezone: z.literal(CENTRAL_TIME_ZONE),
  editable: z.boolean(),
  graphTooltip: z.number().int().min(0).max(2),
  fiscalYearStartMonth: z.number().int().min(0).max(11),
  schemaVersion: z.number().int().min(39),
  time: z.strictObject({ from: z.string().regex(/^now/), to: z.string().regex(/^now/) }),
  refresh: z
    .string()
    .regex(/^(\d+[smh])?$/)
    .optional(),
  templating: z.strictObject({ list: z.array(queryVariable) }),
  annotations: z.strictObject({ list: z.array(annotation) }),
  links: z.array(link),
  panels: z.array(z.discriminatedUnion("type", [panel, rowPanel])).min(1),
});
export type GrafanaDashboard = z.infer<typeof dashboardSchema>;
export type GrafanaPanel = z.infer<typeof panel>;

/** Grafana's global variables the queries may use. */
export const BUILTIN_VARIABLES = ["__range", "__range_s", "__range_ms", "__interval", "__interval_ms", "__rate_interval"];

/** Every problem of a dashboard, as "path: message"; empty when it is valid. */
export function dashboardProblems(input: unknown): string[] {
  const parsed = dashboardSchema.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".") || "(dashboard)"}: ${i.message}`);
  const d = parsed.data;
  const problems: string[] = [];
  const ids = new Set<number>();
  const defined = new Set([...BUILTIN_VARIABLES, ...d.templating.list.map((v) => v.name)]);
  const checkVariables = (where: string, text: string) => {
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (!defined.has(m[1]!)) problems.push(`${where}: undefined variable $${m[1]}`);
  };
  const checkDatasource = (where: string, uid: string) => {
    if (uid !== PROMETHEUS_DATASOURCE_UID) problems.push(`${where}: data source uid "${uid}", expected the provisioned "${PROMETHEUS_DATASOURCE_UID}"`);
  };
  const cells = new Map<string, number>();
  for (const p of d.panels) {
    const where = `panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) problems.push(`${where}: duplicate panel id`);
    ids.add(p.id);
    if (p.gridPos.x + p.gridPos.w > 24) problems.push(`${where}: extends past the 24-column grid`);
    for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
      for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
        const other = cells.get(`${x},${y}`);
        if (other !== undefined) {
          problems.push(`${where}: overlaps panel ${other} at ${x},${y}`);
          x = Infinity;
          break;
        }
        cells.set(`${x},${y}`, p.id);
      }
    }
    if (p.type === "row") continue;
    checkDatasource(where, p.datasource.uid);
    const refIds = new Set<string>();
    for (const t of p.targets) {
      if (refIds.has(t.refId)) problems.push(`${where}: duplicate refId ${t.refId}`);
      refIds.add(t.refId);
      checkDatasource(`${where} ${t.refId}`, t.datasource.uid);
      checkVariables(`${where} ${t.refId}`, t.expr);
      if (t.instant === t.range) problems.push(`${where} ${t.refId}: expected exactly one of instant and range`);
    }
  }
  d.templating.list.forEach((v) => {
    checkDatasource(`variable ${v.name}`, v.datasource.uid);
    checkVariables(`variable ${v.name}`, v.query);
  });
  d.annotations.list.forEach((a) => {
    checkDatasource(`annotation "${a.name}"`, a.datasource.uid);
    checkVariables(`annotation "${a.name}"`, a.expr);
  });
  return problems;
}
