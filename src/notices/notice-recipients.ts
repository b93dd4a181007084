import type { Service } from "../config/services.js";
import type { NotifierConfigFile } from "../config/notifier-schema.js";

/**
 * Who a notice is for: INTENDED AUDIENCE, the CONTACT block and the listserv addresses of the
 * `.eml`, from the config's defaults and its per-service overrides (`notices.by_service`: the HAN
 * service's notices may go to other lists, with another audience or help desk). A notice about
 * several services goes to every list of each (in the order of its services, each address once)
 * and names each distinct audience and contact once.
 */
export interface NoticeRecipients {
  intendedAudience: string;
  contact: string;
  to: readonly string[];
  cc: readonly string[];
}

export interface RecipientSettings extends NoticeRecipients {
  byService?: Partial<Record<Service, Partial<NoticeRecipients>>>;
}

export function recipientsFor(services: readonly Service[], settings: RecipientSettings): NoticeRecipients {
  const each = (services.length ? services : [undefined]).map((service) => ({ ...settings, ...(service ? settings.byService?.[service] : undefined) }));
  const distinct = <T>(values: T[]): T[] => [...new Set(values)];
  const to = distinct(each.flatMap((r) => r.to));
  return {
    intendedAudience: distinct(each.map((r) => r.intendedAudience)).join("; "),
    contact: distinct(each.map((r) => r.contact)).join("\n"),
    to,
    cc: distinct(each.flatMap((r) => r.cc)).filter((address) => !to.includes(address)),
  };
}

/** The `notices:` section's recipients: the defaults and `by_service`. */
export function recipientSettings(notices: NotifierConfigFile["notices"]): RecipientSettings {
  const byService: NonNullable<RecipientSettings["byService"]> = {};
  for (const [service, r] of Object.entries(notices.by_service) as [Service, (typeof notices.by_service)[Service]][]) {
    if (!r) continue;
    byService[service] = {
      ...(r.intended_audience !== undefined ? { intendedAudience: r.intended_audience } : {}),
      ...(r.contact !== undefined ? { contact: r.contact } : {}),
      ...(r.to !== undefined ? { to: r.to } : {}),
      ...(r.cc !== undefined ? { cc: r.cc } : {}),
    };
  }
  return { intendedAudience: notices.intended_audience, contact: notices.contact, to: notices.to, cc: notices.cc, byService };
}
