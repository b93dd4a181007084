/**
 * Names of the notifier's metrics that other rooms read: the generated alert rules
 * (src/rules/availability-rules.ts) import them from here, the registry (notifier-metrics.ts)
 * registers them. A leaf module, so the rule generator does not load prom-client or SQLite.
 */
export const NOTIFIER_STORAGE_ERRORS_METRIC = "smt_notifier_storage_errors_total";
export const NOTIFIER_STORE_WRITABLE_METRIC = "smt_notifier_store_writable";
