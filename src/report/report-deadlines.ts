import { readConfigFile } from "../config/config-file.js";
import { z } from "zod";
import { ConfigError } from "../config/errors.js";
import { toProblem } from "../config/schema-problem.js";
import { YamlSource } from "../config/yaml-source.js";
import { SLO_DELIVERY_DEADLINES, type DataService, type DeliveryDeadline } from "../energy-data/delivery-deadline.js";
import { parseTimeOfDay } from "../maintenance/wall-clock-time.js";

const deadline = z.strictObject({
  days_after: z.number().int().min(0).max(7),
  at: z.string().refine((t) => parseTimeOfDay(t) !== undefined, { message: 'expected a local time "HH:MM"' }),
});
const deadlines = z.strictObject({ gui: deadline.optional(), api: deadline.optional(), ftps: deadline.optional() }).optional();

/**
 * The delivery deadlines of an exporter config's `energy_data.deadlines` (the SLO document's when
 * absent), for `report --config`: only that part of the file is read, so no secret is needed.
 */
export function loadReportDeadlines(file: string): Record<DataService, DeliveryDeadline> {
  const text = readConfigFile(file);
  const { source, problems } = YamlSource.parse(text);
  if (!source) throw new ConfigError(file, problems);
  const root = source.value() as { energy_data?: { deadlines?: unknown } } | null;
  const parsed = deadlines.safeParse(root?.energy_data?.deadlines, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => toProblem({ ...issue, path: ["energy_data", "deadlines", ...issue.path] }, source)),
    );
  }
  return { ...SLO_DELIVERY_DEADLINES, ...Object.fromEntries(Object.entries(parsed.data ?? {}).filter(([, v]) => v !== undefined)) };
}
