/** The status page's default port, next to the notifier's 9911 (light to import: the demo's --help reads it). */
export const DEFAULT_STATUS_PORT = 9912;
