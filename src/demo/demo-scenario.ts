import type { Service } from "../config/schema.js";
import { delay, timeoutSignal } from "../scheduler/timer.js";

/**
 * The demo's scenario: an unplanned outage of one service (the simulator answers 503), which the
 * demo rules turn into SMTUnplannedOutage after more than 1 minute, Alertmanager delivers to the
 * notifier, and the notifier drafts an INITIAL market notice.
 */
export const DEMO_FAULT = { gui: "http_503", api: "http_503", han: "http_503", ftps: "refused", call_center: "phone_system_down" } as const satisfies Record<
  Service,
  string
>;

export async function injectOutage(adminUrl: string, service: Service): Promise<string> {
  const fault = DEMO_FAULT[service];
  const res = await fetch(`${adminUrl}/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ service, fault }),
  });
  if (!res.ok) throw new Error(`the simulator refused fault ${fault} for ${service}: ${res.status} ${await res.text()}`);
  return fault;
}

export interface NoticeSummary {
  id: string;
  kind: string;
  status: string;
  subject: string;
  services: string[];
  created_at: string;
}

/** The notifier's notices (GET /api/v1/notices, reviewer basic auth). */
export async function listNotices(notifierUrl: string, reviewer: { name: string; password: string }): Promise<NoticeSummary[]> {
  const res = await fetch(`${notifierUrl}/api/v1/notices`, {
    headers: { authorization: `Basic ${Buffer.from(`${reviewer.name}:${reviewer.password}`).toString("base64")}` },
    signal: timeoutSignal(5_000),
  });
  if (!res.ok) throw new Error(`GET ${notifierUrl}/api/v1/notices: ${res.status}`);
  return ((await res.json()) as { notices: NoticeSummary[] }).notices;
}

/**
 * Resolves with the first INITIAL notice (of the injected outage, or of any other outage the
 * newcomer causes first), polling every second; undefined when stopped.
 */
export async function waitForInitialDraft(
  notifierUrl: string,
  reviewer: { name: string; password: string },
  stopped: () => boolean,
  sinceMs = 0,
): Promise<NoticeSummary | undefined> {
  while (!stopped()) {
    try {
      const initial = (await listNotices(notifierUrl, reviewer)).find((n) => n.kind === "INITIAL" && Date.parse(n.created_at) >= sinceMs - 5_000);
      if (initial) return initial;
    } catch {
      // the notifier may be restarting; keep polling
    }
    await delay(1_000);
  }
  return undefined;
}

/** DELETE /faults on the simulator: every injected fault ends. */
export async function clearFaults(adminUrl: string): Promise<void> {
  const res = await fetch(`${adminUrl}/faults`, { method: "DELETE", signal: timeoutSignal(5_000) });
  if (!res.ok) throw new Error(`the simulator refused to clear its faults: ${res.status} ${await res.text()}`);
}

/**
 * Approves (when still a draft) and marks a notice sent through the review API, as the reviewer
 * would; a notice already sent is left as it is. Returns the notice as it is then (its id is fixed
 * once its series is first sent).
 */
export async function announceNotice(notifierUrl: string, reviewer: { name: string; password: string }, id: string): Promise<NoticeSummary> {
  const headers = {
    authorization: `Basic ${Buffer.from(`${reviewer.name}:${reviewer.password}`).toString("base64")}`,
    "content-type": "application/json",
  };
  const call = async (path: string, method = "GET") => {
    const res = await fetch(`${notifierUrl}/api/v1/notices/${encodeURIComponent(id)}${path}`, {
      method,
      headers,
      body: method === "POST" ? "{}" : undefined,
      signal: timeoutSignal(5_000),
    });
    if (!res.ok) throw new Error(`${method} ${notifierUrl}/api/v1/notices/${id}${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { notice: NoticeSummary }).notice;
  };
  const notice = await call("");
  if (notice.status === "sent") return notice;
  if (notice.status === "draft") await call("/approve", "POST");
  return call("/sent", "POST");
}

/** Resolves with the first notice of `kind` created since `sinceMs`, polling every second; undefined when stopped. */
export async function waitForNotice(
  notifierUrl: string,
  reviewer: { name: string; password: string },
  kind: string,
  stopped: () => boolean,
  sinceMs: number,
): Promise<NoticeSummary | undefined> {
  while (!stopped()) {
    try {
      const found = (await listNotices(notifierUrl, reviewer)).find((n) => n.kind === kind && Date.parse(n.created_at) >= sinceMs - 5_000);
      if (found) return found;
    } catch {
      // the notifier may be restarting; keep polling
    }
    await delay(1_000);
  }
  return undefined;
}
