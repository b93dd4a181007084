import { SITE_SERVICES } from "../config/services.js";
import { MAINTENANCE_GAUGES } from "../exporter/maintenance-metric-names.js";
import { OUTAGE_MESSAGE_SHOWN_METRIC } from "../exporter/outage-message-metric-names.js";
import { ALERT_ANNOTATIONS as A, ALERT_LABELS, ALERT_NAMES, type AlertAnnotation, SEVERITIES } from "./alert-contract.js";
import { MINUTE_SECONDS, RECORDING_DELAY_SECONDS } from "./minute-timing.js";

/**
 * The alerts on the homepage outage message (seed 3.3: "The SMT homepage will display a message
 * during outages stating that the site is unavailable"), from smt_homepage_outage_message_shown
 * (present while the homepage answers) and the outage and maintenance series the availability rules
 * record (availability-rules.ts passes their names in, so this module does not import it back).
 * Operator alerts: the notifier records them and drafts no market notice. Semantics: docs/slo.md.
 */
export interface OutageMessageRuleInputs {
  /** An outage or planned maintenance must have lasted more than this many minutes (SMTUnplannedOutage's threshold). */
  thresholdMinutes: number;
  runbook: (alert: string) => string;
  series: {
    /** Length of a service's open outage incident, first to last unavailable minute. */
    incidentLength: string;
    /** Consecutive available minutes since the incident's last unavailable minute (0: still down or unmeasured). */
    incidentRecovery: string;
    /** Present while a service has an open outage incident. */
    incidentStart: string;
    /** 1 for a maintenance minute of the service. */
    maintenanceMinute: string;
  };
}

/** The shape of an alerting rule (availability-rules.ts's AlertingRule, which this leaf of it cannot import). */
export interface OutageMessageAlert {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Partial<Record<AlertAnnotation, string>>;
}

/**
 * How far back the homepage's answers are read: the recorded minutes lag the live state by up to
 * two minutes and the recording delay (minute-timing.ts), so an outage that just ended is still
 * open in the series while the banner is already gone; any answer with the message in this window
 * counts as the message shown.
 */
export const OUTAGE_MESSAGE_LOOKBACK = `${2 * MINUTE_SECONDS + RECORDING_DELAY_SECONDS}s`;

export function outageMessageAlerts({ thresholdMinutes, runbook, series }: OutageMessageRuleInputs): OutageMessageAlert[] {
  const service = ALERT_LABELS.service;
  /** Only the site's services: the homepage's message says the site is unavailable, not the call center (seed 3.3). */
  const site = `{${service}=~"${SITE_SERVICES.join("|")}"}`;
  /** The same selector inside a template's double-quoted query string. */
  const siteInTemplate = `{${service}=~'${SITE_SERVICES.join("|")}'}`;
  /** 1 (no labels) while announced planned maintenance of any service has been running for `since` (start inclusive, end exclusive). */
  const plannedMaintenance = (since: string) => `count(
      time() - max by (${service}) (${MAINTENANCE_GAUGES.plannedStart}${site}) ${since}
    and on (${service})
      max by (${service}) (${MAINTENANCE_GAUGES.plannedEnd}${site}) > time()
  )`;
  const homepage = `{{ $labels.${service} | toUpper }}`;
  return [
    {
      alert: ALERT_NAMES.outageMessageMissing,
      // The homepage answered in the lookback and never with the message, while a service has been
      // down for more than the threshold (an open incident that long whose latest minute is not
      // available) or announced planned maintenance has been running that long.
      expr: `max by (${service}) (max_over_time(${OUTAGE_MESSAGE_SHOWN_METRIC}[${OUTAGE_MESSAGE_LOOKBACK}])) == 0
and on ()
(
  count(
      ${series.incidentLength}${site} > ${thresholdMinutes}
    and on (${service})
      ${series.incidentRecovery}${site} == 0
  )
  or
  ${plannedMaintenance(`> ${thresholdMinutes * MINUTE_SECONDS}`)}
)`,
      labels: { [ALERT_LABELS.severity]: SEVERITIES.warning },
      annotations: {
        [A.summary]: `The SMT homepage shows no outage message during an outage of more than ${thresholdMinutes} minutes`,
        [A.description]:
          `The SMT homepage (${homepage} checks) answers without the outage message while ` +
          `{{ with query "${series.incidentLength}${siteInTemplate} > ${thresholdMinutes}" }}SMT {{ range . }}{{ .Labels.${service} | toUpper }} {{ end }}has been unavailable for more than ${thresholdMinutes} minutes{{ else }}planned maintenance has been running for more than ${thresholdMinutes} minutes{{ end }}. ` +
          `The SLO (section 3.3) says the homepage displays a message during outages stating that the site is unavailable: ask SMT operations to put it up. ` +
          `An operator alert: no market notice is drafted for it.`,
        [A.runbookUrl]: runbook(ALERT_NAMES.outageMessageMissing),
      },
    },
    {
      alert: ALERT_NAMES.outageMessageStale,
      // The homepage shows the message while no service has an open outage incident, a maintenance
      // minute or planned maintenance in progress.
      expr: `max by (${service}) (${OUTAGE_MESSAGE_SHOWN_METRIC}) == 1
unless on ()
(
  count(${series.incidentStart}${site})
  or
  count(${series.maintenanceMinute}${site} == 1)
  or
  ${plannedMaintenance(">= 0")}
)`,
      for: `${thresholdMinutes}m`,
      labels: { [ALERT_LABELS.severity]: SEVERITIES.info },
      annotations: {
        [A.summary]: `The SMT homepage shows the outage message although no service is down`,
        [A.description]:
          `The SMT homepage (${homepage} checks) has shown the outage message for more than ${thresholdMinutes} minutes while no service ` +
          `is in an outage or in maintenance: a stale banner tells the market SMT is unavailable when it is not. Ask SMT operations to take it down. ` +
          `An operator alert: no market notice is drafted for it.`,
        [A.runbookUrl]: runbook(ALERT_NAMES.outageMessageStale),
      },
    },
  ];
}
