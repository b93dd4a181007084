import type { DemoHaLayout } from "./demo-ha-setup.js";
import type { DemoPostgresCluster } from "./demo-postgres.js";
import type { DemoPorts } from "./demo-setup.js";
import { VICTORIA_METRICS_MISSING } from "./demo-ha-stack.js";

/** What `smt-monitor demo --ha` prints once every part is ready: every URL, and how to take a part away. Pure. */
export function demoHaSummary(layout: DemoHaLayout, ports: DemoPorts, postgres: Pick<DemoPostgresCluster, "displayUrl">): string[] {
  const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;
  const { base } = layout;
  const pad = (name: string) => name.padEnd(18);
  const [austin, dallas] = layout.exporters;
  return [
    "",
    "SMT monitor demo (highly available topology, docs/ha.md) is running:",
    ...layout.exporters.map((e) => `  ${pad(e.name)}${url(e.port, "/metrics")}   location ${e.location.location}, probes from ${e.location.sourceAddress}`),
    ...layout.prometheus.map(
      (p) => `  ${pad(p.name)}${url(p.port)}   alerts ${url(p.port, "/alerts")}   targets ${url(p.port, "/targets")}   (external label replica="${p.replica}")`,
    ),
    layout.victoriaMetrics
      ? `  ${pad(layout.victoriaMetrics.name)}${url(layout.victoriaMetrics.port)}   PromQL ${url(layout.victoriaMetrics.port, "/api/v1/query")}   (long-term store: both replicas, deduplicated; report --prometheus ${url(layout.victoriaMetrics.port, "")})`
      : `  ${pad("victoria-metrics")}not running: ${VICTORIA_METRICS_MISSING}`,
    ...layout.alertmanagers.map((a) => `  ${pad(a.name)}${url(a.port)}   status ${url(a.port, "/#/status")}   (cluster: gossip on 127.0.0.1:${a.gossipPort})`),
    ...layout.notifiers.map(
      (n) =>
        `  ${pad(n.name)}${url(n.port, "/notices")}   API ${url(n.port, "/api/v1/notices")}   metrics ${url(n.port, "/metrics")}   (user ${base.reviewer.name}, password ${base.reviewer.password})`,
    ),
    `  ${pad("postgres")}${postgres.displayUrl}   (both notifiers' store; password in ${base.dataDir}/secrets/postgres-password)`,
    `  ${pad("status page")}not in --ha: it reads an SQLite notice store, and the notifiers share PostgreSQL (docs/notices.md)`,
    `  ${pad("simulator")}admin ${url(ports.simulatorAdmin)}   portal https://127.0.0.1:${ports.simulatorGui}/   api :${ports.simulatorApi}   han :${ports.simulatorHan}   ftps :${ports.simulatorFtps}   sftp :${ports.simulatorSftp}`,
    `  ${pad("data")}${base.dataDir}   (one folder per component; logs in ${base.logDir}; process groups in ${base.pidFile})`,
    `  fault at ${austin!.location.location} only (still available): curl -XPOST ${url(ports.simulatorAdmin, "/faults")} -H 'content-type: application/json' -d '{"service":"gui","fault":"http_503","clients":["${austin!.location.sourceAddress}"]}'`,
    `  fault at ${austin!.location.location} and ${dallas!.location.location} (unavailable): curl -XPOST ${url(ports.simulatorAdmin, "/faults")} -H 'content-type: application/json' -d '{"service":"api","fault":"http_500","clients":["${austin!.location.sourceAddress}","${dallas!.location.sourceAddress}"]}'`,
    `  clear faults      curl -XDELETE ${url(ports.simulatorAdmin, "/faults")}`,
    `  take a part away  kill -9 -$(awk '$2 == "notifier-2" {print $1}' ${base.pidFile})   (any name in that file; the rest keeps running)`,
    "Press Ctrl-C to stop every component.",
    "",
  ];
}
