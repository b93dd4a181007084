import MailComposer from "nodemailer/lib/mail-composer";

/**
 * A notice as an RFC 5322 message draft (.eml) addressed to the listservs: opens in a mail
 * client ready to send (X-Unsent: 1 makes Outlook open it as a draft). Built by nodemailer's
 * MIME composer: CRLF line ends, encoded-word subjects, quoted-printable UTF-8 bodies.
 *
 * A draft carries no Date header (the mail client stamps the moment it is sent); a notice
 * recorded as sent carries the time it was marked sent.
 */
export interface EmlDraft {
  noticeId: string;
  /** The notice's version: part of the Message-ID, so each edit is a new message. */
  version: number;
  from: string;
  to: readonly string[];
  cc?: readonly string[];
  subject: string;
  body: string;
  /** When the notice was marked sent: the Date header. Without it, no Date header. */
  sentAt?: Date;
  /** Domain for the Message-ID. */
  messageIdDomain: string;
}

export async function renderEml(draft: EmlDraft): Promise<Buffer> {
  const composer = new MailComposer({
    from: draft.from,
    to: [...draft.to],
    cc: draft.cc && draft.cc.length > 0 ? [...draft.cc] : undefined,
    subject: draft.subject,
    text: draft.body.replace(/\r?\n/g, "\r\n"),
    ...(draft.sentAt ? { date: draft.sentAt } : {}),
    messageId: `<${draft.noticeId.toLowerCase()}.v${draft.version}@${draft.messageIdDomain}>`,
    headers: { "X-Unsent": "1", "X-SMT-Notice-Id": draft.noticeId },
    textEncoding: "quoted-printable",
  });
  const message = await composer.compile().build();
  return draft.sentAt ? message : withoutDateHeader(message);
}

/** nodemailer always writes a Date header on the root part; a draft's is removed (header block only). */
function withoutDateHeader(message: Buffer): Buffer {
  const text = message.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const head = text.slice(0, end).replace(/(^|\r\n)Date: [^\r\n]*(\r\n[ \t][^\r\n]*)*/i, "");
  return Buffer.from(head.replace(/^\r\n/, "") + text.slice(end), "latin1");
}

/** A file name for the download: "SMT-M-A051425-01.eml". */
export function emlFileName(noticeId: string): string {
  return `${noticeId.replace(/[^A-Za-z0-9._-]/g, "_")}.eml`;
}
