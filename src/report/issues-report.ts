import { DateTime } from "luxon";
import { ISSUE_SERVICES, type IssueKind, type IssueService } from "../market-figures/issue-names.js";
import type { IssuesFeedRead } from "../market-figures/market-issues.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The issues and change requests of a period (a month or a year) per service, from the feed read
 * once by the CLI (src/market-figures/market-issues.ts): opened and closed in the period, open at its
 * end, and the list of those open at its end. Whether an item is open at an instant is decided by
 * its `opened` and `closed` times; its status is shown as the feed wrote it (the feed's current
 * one). Pure.
 */

export interface IssueCounts {
  service: IssueService;
  opened_issues: number;
  opened_change_requests: number;
  closed_issues: number;
  closed_change_requests: number;
  open_issues: number;
  open_change_requests: number;
}

export interface OpenIssue {
  id: string;
  service: IssueService;
  kind: IssueKind;
  status: string;
  /** Central time, "YYYY-MM-DD". */
  opened: string;
  /** Whole calendar days (Central time) from opened to the period's end. */
  age_days: number;
  title: string;
}

export interface IssuesSection {
  /** The feed (file or URL). */
  origin: string;
  /** The period's end (ISO): open means opened before it and not closed before it. */
  as_of: string;
  by_service: IssueCounts[];
  open: OpenIssue[];
  /** Rows of the feed left out, as "origin:line: message". */
  bad_rows: string[];
  /** Why the feed could not be read at all (its figures are then unknown, not zero). */
  read_error: string | null;
}

export function issuesSection(feed: IssuesFeedRead, period: { fromMs: number; toMs: number }): IssuesSection {
  const inPeriod = (ms: number | null) => ms !== null && ms >= period.fromMs && ms < period.toMs;
  const openAtEnd = feed.issues.filter((i) => i.openedMs < period.toMs && (i.closedMs === null || i.closedMs >= period.toMs));
  const count = (list: typeof feed.issues, service: IssueService, kind: IssueKind) => list.filter((i) => i.service === service && i.kind === kind).length;
  const opened = feed.issues.filter((i) => inPeriod(i.openedMs));
  const end = DateTime.fromMillis(period.toMs, { zone: CENTRAL_TIME_ZONE });
  const closed = feed.issues.filter((i) => inPeriod(i.closedMs));
  return {
    origin: feed.origin,
    as_of: new Date(period.toMs).toISOString(),
    by_service: ISSUE_SERVICES.map((service) => ({
      service,
      opened_issues: count(opened, service, "issue"),
      opened_change_requests: count(opened, service, "change_request"),
      closed_issues: count(closed, service, "issue"),
      closed_change_requests: count(closed, service, "change_request"),
      open_issues: count(openAtEnd, service, "issue"),
      open_change_requests: count(openAtEnd, service, "change_request"),
    })),
    open: openAtEnd
      .sort((a, b) => ISSUE_SERVICES.indexOf(a.service) - ISSUE_SERVICES.indexOf(b.service) || a.openedMs - b.openedMs || (a.id < b.id ? -1 : 1))
      .map((i) => ({
        id: i.id,
        service: i.service,
        kind: i.kind,
        status: i.status,
        opened: DateTime.fromMillis(i.openedMs, { zone: CENTRAL_TIME_ZONE }).toFormat("yyyy-LL-dd"),
        age_days: Math.floor(end.diff(DateTime.fromMillis(i.openedMs, { zone: CENTRAL_TIME_ZONE }), "days").days),
        title: i.title,
      })),
    bad_rows: feed.problems.map((p) => `${feed.origin}:${p.line}: ${p.message}`),
    read_error: feed.error,
  };
}
