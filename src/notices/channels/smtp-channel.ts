import nodemailer, { type Mail } from "nodemailer";
import { answerTooSlow } from "../../peers/peer-answer.js";
import type { DraftAnnouncement, NoticeChannel } from "./notice-channel.js";

/** E-mail to on-call through an SMTP relay (nodemailer): the draft's text and a link to review it. */
export interface SmtpChannelOptions {
  name: string;
  host: string;
  port: number;
  security: "tls" | "starttls" | "none";
  username?: string;
  password?: string;
  from: string;
  to: string[];
  timeoutMs: number;
  ca?: Buffer;
  insecureSkipVerify: boolean;
}

export class SmtpChannel implements NoticeChannel {
  readonly kind = "smtp" as const;
  readonly name: string;
  private readonly transport: Mail;

  constructor(private readonly options: SmtpChannelOptions) {
    this.name = options.name;
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.security === "tls",
      requireTLS: options.security === "starttls",
      ignoreTLS: options.security === "none",
      auth: options.username ? { user: options.username, pass: options.password ?? "" } : undefined,
      tls: { ca: options.ca, rejectUnauthorized: !options.insecureSkipVerify },
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async announce(a: DraftAnnouncement): Promise<void> {
    // The socket timeouts above are idle timeouts: a relay that trickles a reply that never
    // completes would hold the outbox for ever. One total deadline for the whole exchange closes
    // the connection. (nodemailer caps one reply at 1 MiB itself.)
    const deadlineMs = this.options.timeoutMs;
    const signal = AbortSignal.timeout(deadlineMs);
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: this.options.to,
        subject: `[SMT notice draft] ${a.subject}`,
        text: `A new market notice draft is waiting for review:\n${a.reviewUrl}\n\n${a.body}`,
        headers: { "X-SMT-Notice-Id": a.noticeId },
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw answerTooSlow("SMTP answer", deadlineMs);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
