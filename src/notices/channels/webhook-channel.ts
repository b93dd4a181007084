import { request } from "undici";
import type { DraftAnnouncement, NoticeChannel } from "./notice-channel.js";
import { timeoutSignal } from "../../scheduler/timer.js";

/**
 * A generic JSON webhook for chat tools: POSTs `{ text, notice }` (the `text` field is what Slack-
 * and Mattermost-style incoming webhooks show). Any 2xx is success; anything else is retried.
 */
export interface WebhookChannelOptions {
  name: string;
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
  bearerToken?: string;
}

export class WebhookChannel implements NoticeChannel {
  readonly kind = "webhook" as const;
  readonly name: string;

  constructor(private readonly options: WebhookChannelOptions) {
    this.name = options.name;
  }

  async announce(a: DraftAnnouncement): Promise<void> {
    const body = JSON.stringify({
      text: `New SMT market notice draft ${a.noticeId} (${a.kind}) waiting for review: ${a.subject}\n${a.reviewUrl}`,
      notice: { id: a.noticeId, kind: a.kind, subject: a.subject, services: a.services, review_url: a.reviewUrl, created_at: new Date(a.createdAt).toISOString() },
    });
    const headers: Record<string, string> = { ...this.options.headers, "content-type": "application/json" };
    if (this.options.bearerToken) headers.authorization = `Bearer ${this.options.bearerToken}`;
    const response = await request(this.options.url, {
      method: "POST",
      headers,
      body,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
      signal: timeoutSignal(this.options.timeoutMs),
    });
    // Read (a bounded amount of) the body so the connection can be reused.
    const text = (await response.body.text()).slice(0, 200);
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new Error(`webhook answered HTTP ${response.statusCode}${text ? `: ${text.replace(/\s+/g, " ")}` : ""}`);
    }
  }

  async close(): Promise<void> {}
}
