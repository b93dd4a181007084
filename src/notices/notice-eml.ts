import MailComposer from "nodemailer/lib/mail-composer";

/**
 * A notice as an RFC 5322 message draft (.eml) addressed to the listservs: opens in a mail
 * client ready to send (X-Unsent: 1 makes Outlook open it as a draft). Built by nodemailer's
 * MIME composer: CRLF line ends, encoded-word subjects, quoted-printable UTF-8 bodies.
 */
export interface EmlDraft {
  noticeId: string;
  from: string;
  to: readonly string[];
  cc?: readonly string[];
  subject: string;
  body: string;
  /** The Date header: when the draft is downloaded. */
  date: Date;
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
    date: draft.date,
    messageId: `<${draft.noticeId.toLowerCase()}.${draft.date.getTime()}@${draft.messageIdDomain}>`,
    headers: { "X-Unsent": "1", "X-SMT-Notice-Id": draft.noticeId },
    textEncoding: "quoted-printable",
  });
  return composer.compile().build();
}

/** A file name for the download: "SMT-M-A051425-01.eml". */
export function emlFileName(noticeId: string): string {
  return `${noticeId.replace(/[^A-Za-z0-9._-]/g, "_")}.eml`;
}
