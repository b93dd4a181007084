import { request } from "undici";
import { KiB } from "../../config/byte-count.js";
import { answerTooSlow, PeerAnswerError, readPeerAnswer } from "../../peers/peer-answer.js";
import type { DraftAnnouncement, NoticeChannel } from "./notice-channel.js";
import { timeoutSignal } from "../../scheduler/timer.js";

/** The most of a webhook's answer read (only its first 200 characters are kept, for the error). */
export const MAX_WEBHOOK_ANSWER_BYTES = 64 * KiB;

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
      notice: {
        id: a.noticeId,
        kind: a.kind,
        subject: a.subject,
        services: a.services,
        review_url: a.reviewUrl,
        created_at: new Date(a.createdAt).toISOString(),
      },
    });
    const headers: Record<string, string> = { ...this.options.headers, "content-type": "application/json" };
    if (this.options.bearerToken) headers.authorization = `Bearer ${this.options.bearerToken}`;
    const what = "webhook answer";
    const deadlineMs = this.options.timeoutMs;
    // One total deadline for connecting, sending and reading the answer (an idle timeout would let a
    // peer trickling bytes hold the outbox), and the answer is read up to MAX_WEBHOOK_ANSWER_BYTES.
    const signal = timeoutSignal(deadlineMs);
    let response;
    try {
      response = await request(this.options.url, { method: "POST", headers, body, signal });
    } catch (err) {
      if (signal.aborted) throw answerTooSlow(what, deadlineMs);
      throw err;
    }
    const accepted = response.statusCode >= 200 && response.statusCode <= 299;
    let text: string;
    try {
      text = (await readPeerAnswer(response.body, { what, maxBytes: MAX_WEBHOOK_ANSWER_BYTES, signal, deadlineMs })).toString("utf8").slice(0, 200);
    } catch (err) {
      // The status said it all: a 2xx is delivered even if its answer is too long or never ends.
      if (accepted && err instanceof PeerAnswerError) return;
      if (err instanceof PeerAnswerError) throw new Error(`webhook answered HTTP ${response.statusCode}, then ${err.message}`);
      throw err;
    }
    if (!accepted) {
      throw new Error(`webhook answered HTTP ${response.statusCode}${text ? `: ${text.replace(/\s+/g, " ")}` : ""}`);
    }
  }

  async close(): Promise<void> {}
}
