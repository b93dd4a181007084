import { feedTime } from "./call-center-tickets.js";
import { labelValueProblem, type RowProblem } from "./figure-problems.js";
import { fieldKey, field, type SourceRecord } from "./source-records.js";
import { readSourceText, sourceRecords, SourceReadError, type FeedLocation } from "./figure-source.js";
import { armTimer } from "../scheduler/timer.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { ISSUE_SERVICES, type IssueKind, type IssueService } from "./issue-names.js";

/**
 * Market issues and change requests (SLO document 3.4 to 7.4: the JDOA reviews those brought forth
 * through the SMT call center, the AMWG change-request process or the AMIT Steering Committee), one
 * row each: `id`, `service` (gui, api, ftps, han, call_center), `opened`, `closed` (empty while
 * open), `kind` (issue or change_request), `status`, `title`. A row that cannot be read is left out
 * and reported with its line; the others are counted.
 */

export { ISSUE_KINDS, ISSUE_SERVICES, type IssueKind, type IssueService } from "./issue-names.js";

/** Titles longer than this are bad rows (a feed that pastes a whole description is wrong). */
export const MAX_TITLE_LENGTH = 300;

export interface MarketIssue {
  id: string;
  service: IssueService;
  kind: IssueKind;
  status: string;
  title: string;
  openedMs: number;
  /** null while open. */
  closedMs: number | null;
  line: number;
}

const KIND_ALIASES: Record<string, IssueKind> = { issue: "issue", change_request: "change_request", cr: "change_request" };
const SERVICE_ALIASES: Record<string, IssueService> = { ftp: "ftps", file_delivery: "ftps", callcenter: "call_center" };

/** The issues and change requests of a feed's rows, and the rows left out. Pure. */
export function marketIssues(records: readonly SourceRecord[], zone = CENTRAL_TIME_ZONE): { issues: MarketIssue[]; problems: RowProblem[] } {
  const issues: MarketIssue[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  const bad = (line: number, message: string) => problems.push({ line, message });
  for (const r of records) {
    const id = field(r, "id", "issue_id", "change_request_id");
    if (!id) {
      bad(r.line, "id: missing");
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      bad(r.line, `id ${id} already given at line ${first}`);
      continue;
    }
    const serviceText = field(r, "service") ?? "";
    const serviceKey = fieldKey(serviceText);
    const service = (ISSUE_SERVICES as readonly string[]).includes(serviceKey) ? (serviceKey as IssueService) : SERVICE_ALIASES[serviceKey];
    if (!service) {
      bad(r.line, `service: expected one of ${ISSUE_SERVICES.join(", ")}, got "${serviceText}"`);
      continue;
    }
    const kindText = field(r, "kind", "type") ?? "";
    const kind = KIND_ALIASES[fieldKey(kindText)];
    if (!kind) {
      bad(r.line, `kind: expected issue or change_request, got "${kindText}"`);
      continue;
    }
    const openedText = field(r, "opened", "opened_at", "created");
    const opened = openedText ? feedTime(openedText, zone) : undefined;
    if (!opened) {
      bad(r.line, `opened: expected a date-time (2026-03-05, 2026-03-05T14:20, 03/05/2026 14:20), got ${openedText ? `"${openedText}"` : "nothing"}`);
      continue;
    }
    const closedText = field(r, "closed", "closed_at") ?? "";
    const closed = closedText === "" ? null : feedTime(closedText, zone);
    if (closed === undefined) {
      bad(r.line, `closed: expected a date-time, or nothing while open, got "${closedText}"`);
      continue;
    }
    if (closed && closed.toMillis() < opened.toMillis()) {
      bad(r.line, `closed: ${closedText} is before opened (${openedText})`);
      continue;
    }
    const status = field(r, "status");
    const statusProblem = labelValueProblem("status", status);
    if (statusProblem) {
      bad(r.line, statusProblem);
      continue;
    }
    const title = field(r, "title", "summary") ?? "";
    if (title === "" || title.length > MAX_TITLE_LENGTH || /[\u0000-\u001f\u007f]/.test(title)) {
      bad(r.line, `title: expected a line of text of at most ${MAX_TITLE_LENGTH} characters, got ${title === "" ? "nothing" : `${title.length} characters`}`);
      continue;
    }
    seen.set(id, r.line);
    issues.push({ id, service, kind, status: status!, title, openedMs: opened.toMillis(), closedMs: closed ? closed.toMillis() : null, line: r.line });
  }
  return { issues, problems };
}

/** A feed as read for one report: its issues and bad rows, or why it could not be read at all. */
export interface IssuesFeedRead {
  origin: string;
  issues: MarketIssue[];
  problems: RowProblem[];
  /** Set when nothing could be read (the file is missing, the endpoint failed, not CSV/JSON). */
  error: string | null;
}

/** Reads the feed once (bounded by its max_bytes and `timeoutMs`); never throws for what the feed holds. */
export async function readIssuesFeed(feed: FeedLocation & { timeoutMs: number }, now: () => number = Date.now): Promise<IssuesFeedRead> {
  const origin = feed.file ?? feed.http?.api.steps[feed.http.api.steps.length - 1]?.url ?? "issues feed";
  const controller = new AbortController();
  const timer = armTimer(feed.timeoutMs, () => controller.abort());
  try {
    const text = await readSourceText(feed, { signal: controller.signal, phases: {}, facts: {}, note: () => {}, now });
    const { records, problems } = sourceRecords(text);
    const parsed = marketIssues(records);
    return { origin: text.origin, issues: parsed.issues, problems: [...problems, ...parsed.problems].sort((a, b) => a.line - b.line), error: null };
  } catch (err) {
    if (err instanceof SourceReadError) return { origin, issues: [], problems: [], error: err.message };
    if (controller.signal.aborted) return { origin, issues: [], problems: [], error: `${origin}: no complete answer within ${feed.timeoutMs / 1000} s` };
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
