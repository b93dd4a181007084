/**
 * The name of the homepage outage-message gauge, owned here by the exporter that produces it
 * (probe-metrics.ts) and read by the rules (src/rules/outage-message-rules.ts). A leaf module: it
 * imports nothing. See docs/metrics.md.
 */
export const OUTAGE_MESSAGE_SHOWN_METRIC = "smt_homepage_outage_message_shown";
