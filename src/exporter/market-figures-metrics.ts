import { Gauge, type Registry } from "prom-client";
import { DateTime } from "luxon";
import type { ResolvedFigureSource } from "../config/market-data-load.js";
import type { SourceFigures } from "../market-figures/figure-source.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

interface SourceState {
  figure: ResolvedFigureSource["figure"];
  /** The figures exported now: key -> value (tickets: "month\ttype"; HAN: "status\ttdsp"). */
  values: Map<string, number>;
}

/**
 * The call-center and HAN series (docs/metrics.md, "Call center and HAN"). A source's figures are
 * replaced only by a read that counted at least one row; rows that could not be read keep their
 * previous figure when the row still says which one it is (a bad count), so a broken feed never
 * zeroes good figures.
 */
export class MarketFiguresMetrics {
  private readonly tickets: Gauge;
  private readonly han: Gauge;
  private readonly readSuccess: Gauge;
  private readonly lastSuccess: Gauge;
  private readonly rows: Gauge;
  private readonly sources = new Map<string, SourceState>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.tickets = new Gauge({
      name: "smt_call_center_tickets",
      help: "Call-center tickets by month (Central time, YYYY-MM) and type, as the source reports them.",
      labelNames: ["source", "month", "type"],
      registers,
    });
    this.han = new Gauge({
      name: "smt_han_devices",
      help: "HAN devices provisioned, by status and TDSP territory, as the source reports them.",
      labelNames: ["source", "status", "tdsp"],
      registers,
    });
    this.readSuccess = new Gauge({
      name: "smt_figures_read_success",
      help: "Whether the latest read of the figure source counted at least one row (1) or failed (0; the previous figures are kept).",
      labelNames: ["source", "figure"],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: "smt_figures_last_success_timestamp_seconds",
      help: "Unix time of the latest successful read of the figure source.",
      labelNames: ["source", "figure"],
      registers,
    });
    this.rows = new Gauge({
      name: "smt_figures_rows",
      help: "Rows of the latest successful read of the figure source, by result: accepted or malformed.",
      labelNames: ["source", "figure", "result"],
      registers,
    });
  }

  setSources(sources: readonly ResolvedFigureSource[]): void {
    const wanted = new Map(sources.map((s) => [s.name, s.figure]));
    for (const [name, state] of this.sources) {
      if (wanted.get(name) !== state.figure) this.removeSource(name);
    }
    for (const s of sources) if (!this.sources.has(s.name)) this.sources.set(s.name, { figure: s.figure, values: new Map() });
  }

  recordFailure(name: string): void {
    const state = this.sources.get(name);
    if (state) this.readSuccess.labels({ source: name, figure: state.figure }).set(0);
  }

  /**
   * A successful read. `months`: call-center months exported (the current month in Central time and
   * the months before it); older or future months are left out.
   */
  recordSuccess(name: string, figures: SourceFigures, finishedAtMs: number, months: number): void {
    const state = this.sources.get(name);
    if (!state) return;
    const labels = { source: name, figure: state.figure };
    const next = new Map<string, number>();
    const counts = figures.counts;
    if (counts.figure === "call_center_tickets") {
      const current = DateTime.fromMillis(finishedAtMs, { zone: CENTRAL_TIME_ZONE }).startOf("month");
      const oldest = current.minus({ months: months - 1 }).toFormat("yyyy-MM");
      const newest = current.toFormat("yyyy-MM");
      for (const [month, byType] of counts.counts) {
        if (month < oldest || month > newest) continue;
        for (const [type, n] of byType) next.set(`${month}\t${type}`, n);
      }
    } else {
      for (const [key, n] of counts.counts) next.set(key, n);
    }
    for (const key of counts.unreadable) {
      const previous = state.values.get(key);
      if (previous !== undefined && !next.has(key)) next.set(key, previous);
    }
    for (const key of state.values.keys()) if (!next.has(key)) this.removeValue(name, state.figure, key);
    for (const [key, n] of next) this.setValue(name, state.figure, key, n);
    state.values = next;
    this.readSuccess.labels(labels).set(1);
    this.lastSuccess.labels(labels).set(finishedAtMs / 1000);
    this.rows.labels({ ...labels, result: "accepted" }).set(figures.accepted);
    this.rows.labels({ ...labels, result: "malformed" }).set(figures.problems.length);
  }

  private setValue(source: string, figure: SourceState["figure"], key: string, n: number): void {
    const [a, b] = key.split("\t") as [string, string];
    if (figure === "call_center_tickets") this.tickets.labels({ source, month: a, type: b }).set(n);
    else this.han.labels({ source, status: a, tdsp: b }).set(n);
  }

  private removeValue(source: string, figure: SourceState["figure"], key: string): void {
    const [a, b] = key.split("\t") as [string, string];
    if (figure === "call_center_tickets") this.tickets.remove({ source, month: a, type: b });
    else this.han.remove({ source, status: a, tdsp: b });
  }

  private removeSource(name: string): void {
    const state = this.sources.get(name);
    if (!state) return;
    for (const key of state.values.keys()) this.removeValue(name, state.figure, key);
    const labels = { source: name, figure: state.figure };
    this.readSuccess.remove(labels);
    this.lastSuccess.remove(labels);
    for (const result of ["accepted", "malformed"]) this.rows.remove({ ...labels, result });
    this.sources.delete(name);
  }
}
