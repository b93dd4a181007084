/**
 * An output that tells on-call a new draft is waiting. Every channel has this one shape; retries
 * and idempotency live in one place (the outbox, outbox-dispatcher.ts), not in each channel.
 */
export interface DraftAnnouncement {
  noticeId: string;
  kind: string;
  subject: string;
  services: string[];
  /** The review page of the draft. */
  reviewUrl: string;
  createdAt: number;
  /** The draft's text. */
  body: string;
}

export interface NoticeChannel {
  readonly name: string;
  readonly kind: "webhook" | "smtp";
  /** Resolves when the channel has accepted the message; rejects (with a message safe to log) otherwise. */
  announce(announcement: DraftAnnouncement): Promise<void>;
  close(): Promise<void>;
}
