import { resolve } from "node:path";
import type { ResolvedCheck } from "./resolved-check.js";
import type { CheckConfig, ExporterConfig } from "./schema.js";
import type { DataCheckConfig } from "./energy-data-schema.js";
import type { FigureKind, SourceFormat } from "./market-figures-schema.js";
import type { DataService, DeliveryDeadline } from "../energy-data/delivery-deadline.js";
import type { FileContent } from "../energy-data/interval-file.js";
import type { TdspTerritory } from "../market-figures/tdsp-territory.js";

/**
 * Resolves the `energy_data:` and `market_figures:` sections (secrets, TLS material, file paths) the
 * same way the checks are resolved, so `check-config` reports their problems with file, line and
 * field, and a reload with a bad secret keeps the running config.
 */

type ApiResolved = Extract<ResolvedCheck, { kind: "api" }>;
type FtpsResolved = Extract<ResolvedCheck, { kind: "ftps" }>;
type SftpResolved = Extract<ResolvedCheck, { kind: "sftp" }>;

interface DataCheckBase {
  name: string;
  service: DataService;
  intervalMs: number;
  timeoutMs: number;
}

export type ResolvedDataCheck =
  | (DataCheckBase & {
      kind: "ftps";
      /** The connection settings as an FTPS probe check (secrets and TLS resolved). */
      connection: FtpsResolved;
      files: { maxFiles: number; maxBytes: number; content: FileContent; decryptCommand?: string[] };
    })
  | (DataCheckBase & {
      kind: "sftp";
      /** The connection settings as an SFTP probe check (secrets and pinned host keys resolved). */
      connection: SftpResolved;
      files: { maxFiles: number; maxBytes: number; content: FileContent; decryptCommand?: string[] };
    })
  | (DataCheckBase & {
      kind: "api";
      /** The steps as an API probe check; `{{ canary_esiids }}` is expanded at run time. */
      connection: ApiResolved;
      energyDataPath: string;
    });

export interface ResolvedEnergyData {
  canaryEsiids: string[];
  deadlines: Record<DataService, DeliveryDeadline>;
  checks: ResolvedDataCheck[];
}

export interface ResolvedFigureSource {
  name: string;
  figure: FigureKind;
  /** Absolute path of the file drop. */
  file?: string;
  http?: ApiResolved;
  format?: SourceFormat;
  maxBytes: number;
}

export interface ResolvedMarketFigures {
  intervalMs: number;
  timeoutMs: number;
  months: number;
  tdspPrefixes: Record<TdspTerritory, string[]>;
  sources: ResolvedFigureSource[];
}

export interface MarketData {
  energyData?: ResolvedEnergyData;
  marketFigures?: ResolvedMarketFigures;
}

export interface MarketDataResolver {
  /** Directory of the config file (relative paths are relative to it). */
  baseDir: string;
  /** Resolves a probe check's secrets, TLS and templates, reporting problems under `path`. */
  resolveCheck(check: CheckConfig, path: (string | number)[]): ResolvedCheck;
}

/** `{{ canary_esiids }}` in an API step: the configured canary ESIIDs. */
export const CANARY_ESIIDS_REF = /\{\{\s*canary_esiids\s*\}\}/g;

/** A copy of a JSON value with `{{ canary_esiids }}` removed (for template validation only). */
function withoutCanaryRef<T>(value: T): T {
  if (typeof value === "string") return value.replace(CANARY_ESIIDS_REF, "") as T;
  if (Array.isArray(value)) return value.map(withoutCanaryRef) as T;
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutCanaryRef(v)])) as T;
  return value;
}

export function resolveMarketData(raw: ExporterConfig, r: MarketDataResolver): MarketData {
  const out: MarketData = {};
  const ed = raw.energy_data;
  if (ed) {
    out.energyData = {
      canaryEsiids: ed.canary_esiids,
      deadlines: ed.deadlines,
      checks: ed.checks.map((c, i) => resolveDataCheck(c, ["energy_data", "checks", i], ed, r)),
    };
  }
  const mf = raw.market_figures;
  if (mf) {
    out.marketFigures = {
      intervalMs: mf.interval,
      timeoutMs: mf.timeout,
      months: mf.months,
      tdspPrefixes: mf.tdsp_prefixes,
      sources: mf.sources.map((s, i) => {
        const source: ResolvedFigureSource = { name: s.name, figure: s.figure, format: s.format, maxBytes: s.max_bytes };
        if (s.file !== undefined) source.file = resolve(r.baseDir, s.file);
        if (s.http) {
          const probe = r.resolveCheck({ name: s.name, service: "api", kind: "api", api: s.http }, ["market_figures", "sources", i]);
          source.http = probe as ApiResolved;
        }
        return source;
      }),
    };
  }
  return out;
}

function resolveDataCheck(c: DataCheckConfig, path: (string | number)[], ed: { interval: number; timeout: number }, r: MarketDataResolver): ResolvedDataCheck {
  const base = { name: c.name, service: c.service, intervalMs: c.interval ?? ed.interval, timeoutMs: c.timeout ?? ed.timeout };
  if (c.kind === "ftps") {
    const connection = r.resolveCheck({ name: c.name, service: c.service, kind: "ftps", ftps: c.ftps }, path) as FtpsResolved;
    return {
      ...base,
      kind: "ftps",
      connection,
      files: { maxFiles: c.files.max_files, maxBytes: c.files.max_bytes, content: c.files.content, decryptCommand: c.files.decrypt_command },
    };
  }
  if (c.kind === "sftp") {
    const connection = r.resolveCheck({ name: c.name, service: c.service, kind: "sftp", sftp: c.sftp }, path) as SftpResolved;
    return {
      ...base,
      kind: "sftp",
      connection,
      files: { maxFiles: c.files.max_files, maxBytes: c.files.max_bytes, content: c.files.content, decryptCommand: c.files.decrypt_command },
    };
  }
  const checked = r.resolveCheck({ name: c.name, service: c.service, kind: "api", api: withoutCanaryRef(c.api) }, path) as ApiResolved;
  return { ...base, kind: "api", connection: { ...checked, api: c.api }, energyDataPath: c.energy_data_path };
}
