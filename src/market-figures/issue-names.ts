/**
 * The services and kinds of the issues feed (src/market-figures/market-issues.ts), without its
 * readers: the report's issues section imports these, and the feed's readers (YAML, the HTTP
 * client) load only when a feed is configured (docs/performance.md, "Start-up").
 */
export const ISSUE_SERVICES = ["gui", "api", "ftps", "han", "call_center"] as const;
export type IssueService = (typeof ISSUE_SERVICES)[number];
export const ISSUE_KINDS = ["issue", "change_request"] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];
