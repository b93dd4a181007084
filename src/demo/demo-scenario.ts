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
