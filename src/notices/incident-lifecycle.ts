import type { Service } from "../config/schema.js";
import { ALERT_LABELS } from "../rules/alert-contract.js";
import { formatTimeOnDay } from "./central-time.js";
import { alertFingerprint, alertSignal, type AlertSignal } from "./alert-signal.js";
import { noticeId } from "./notice-id.js";
import { applyProcessFailure } from "./process-failure-notices.js";
import { insertProvisionalIncident, type SeriesNaming } from "./series-id.js";
import { joinServices, renderNotice, type NoticeFacts, type NoticeWording } from "./notice-render.js";
import type { IncidentRow, NoticeRow, NoticeStore, OutageRow } from "./notice-store.js";
import type { NoticeKind } from "./notice-template.js";
import type { WebhookPayload } from "./webhook-payload.js";

/**
 * The notice lifecycle of unplanned outages, applied to the store inside one transaction per
 * webhook delivery (the caller opens it):
 *
 * - an outage (service + start) that fires while no unplanned incident is open opens one: INITIAL;
 * - an outage of another service that fires while one is open joins it: UPDATE;
 * - while the incident lasts, an UPDATE every `updateIntervalMs` (see `dueUpdates`);
 * - an outage that resolves while others of its incident still fire: UPDATE; the last one: COMPLETION;
 * - a resolved alert for an outage never seen firing (the notifier was down): COMPLETION of a new
 *   incident (or an UPDATE of the open one);
 * - anything already known (repeats, retries, HA copies, a late "firing" after the resolve) changes
 *   only the last-seen time.
 *
 * Every new notice is rendered from the templates, audited as created by "notifier" and queued
 * in the outbox for every channel, in the same transaction.
 */
export interface LifecycleSettings {
  wording: NoticeWording;
  idPrefix: string;
  audience: string;
  updateIntervalMs: number;
  /** Channel names: each new draft is queued for each. */
  channels: readonly string[];
}

export interface CreatedNotice {
  id: string;
  kind: NoticeKind;
}

export interface DeliveryResult {
  deliveryId: number;
  created: CreatedNotice[];
  outages: number;
  others: number;
  ignored: string[];
}

export const SYSTEM_ACTOR = "notifier";

export class IncidentLifecycle {
  constructor(
    private readonly store: NoticeStore,
    private readonly settings: LifecycleSettings,
  ) {}

  /** Records a webhook delivery and applies it. Call inside store.transaction(). */
  applyDelivery(payload: WebhookPayload, rawBody: string, receivedAt: number): DeliveryResult {
    const deliveryId = this.store.insertDelivery({
      receivedAt,
      groupKey: payload.groupKey,
      receiver: payload.receiver,
      status: payload.status,
      alertCount: payload.alerts.length,
      truncatedAlerts: payload.truncatedAlerts ?? 0,
      payload: rawBody,
    });
    const result: DeliveryResult = { deliveryId, created: [], outages: 0, others: 0, ignored: [] };
    // Resolved before firing: a payload that carries both for one service moves on cleanly.
    const ordered = [...payload.alerts].sort((a, b) => (a.status === b.status ? 0 : a.status === "resolved" ? -1 : 1));
    for (const alert of ordered) {
      this.store.upsertAlert({
        fingerprint: alertFingerprint(alert),
        alertname: alert.labels[ALERT_LABELS.alertname]!,
        status: alert.status,
        labels: JSON.stringify(alert.labels),
        annotations: JSON.stringify(alert.annotations),
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        seenAt: receivedAt,
        deliveryId,
      });
      const signal = alertSignal(alert, receivedAt);
      if (signal.type === "other") {
        result.others++;
        if (signal.reason) result.ignored.push(`${signal.alertname}: ${signal.reason}`);
        continue;
      }
      result.outages++;
      const created = signal.type === "process_failure" ? applyProcessFailure(this, this.store, signal, receivedAt) : this.applyOutage(signal, receivedAt);
      // Input the notifier did not believe is shown to the reviewer in the draft's audit trail.
      if (signal.notes) for (const notice of created) this.store.addAudit(notice.id, receivedAt, SYSTEM_ACTOR, "check input", { notes: signal.notes });
      if (signal.notes) result.ignored.push(...signal.notes.map((note) => `${signal.alertname}: ${note}`));
      result.created.push(...created);
    }
    return result;
  }

  private applyOutage(signal: Extract<AlertSignal, { type: "outage" }>, now: number): CreatedNotice[] {
    const known = this.store.outage(signal.service, signal.startSeconds, signal.alertname);
    if (known) {
      this.store.updateOutage(signal.service, signal.startSeconds, signal.alertname, { last_seen: now });
      if (known.status === "resolved" || signal.status === "firing") return [];
      // A firing outage resolves.
      this.store.updateOutage(signal.service, signal.startSeconds, signal.alertname, { status: "resolved", end_ms: signal.endMs! });
      return this.afterResolve(this.store.incident(known.incident_id)!, signal, now);
    }
    const open = this.store.openUnplannedIncident();
    const outage = {
      service: signal.service,
      start_s: signal.startSeconds,
      status: signal.status,
      end_ms: signal.endMs ?? null,
      alertname: signal.alertname,
      first_seen: now,
      last_seen: now,
    } as const;
    const startMs = signal.startSeconds * 1000;
    if (open) {
      const alreadyDown = this.store.firingServices(open.id).includes(signal.service);
      this.store.insertOutage({ ...outage, incident_id: open.id });
      const services = addService(open, signal.service);
      this.store.updateIncident(open.id, {
        services: JSON.stringify(services),
        start_ms: Math.min(open.start_ms, startMs),
        overrun: open.overrun || (signal.overrun ? 1 : 0),
      });
      const incident = this.store.incident(open.id)!;
      const name = this.serviceName(signal.service);
      if (signal.status === "resolved") {
        return this.afterResolve(incident, signal, now, `The ${name} was also unavailable from ${this.time(startMs)} to ${this.time(signal.endMs!)}.`);
      }
      // Another outage of a service already down in this incident adds nothing to tell.
      if (alreadyDown) return [];
      const change = signal.overrun
        ? `The ${name} has not returned from planned maintenance that ended at ${this.time(startMs)} and is also unavailable.`
        : `The ${name} has also been unavailable since ${this.time(startMs)}.`;
      this.store.updateIncident(incident.id, { next_update_at: now + this.settings.updateIntervalMs });
      return [this.draft(incident, "UPDATE", now, { change })];
    }
    // A new incident.
    const overrunNote = signal.overrun
      ? `Planned maintenance of the ${this.serviceName(signal.service)} ended at ${this.time(startMs)}, but the service has not returned.`
      : undefined;
    const summary = signal.summary ?? overrunNote;
    const incident = this.openSeries({
      kind: "unplanned",
      planned_key: null,
      status: signal.status === "firing" ? "open" : "resolved",
      start_ms: startMs,
      end_ms: signal.endMs ?? null,
      services: JSON.stringify([signal.service]),
      summary: summary ?? null,
      description: signal.description ?? null,
      runbook_url: signal.runbookUrl ?? null,
      due_date: null,
      overrun: signal.overrun ? 1 : 0,
      created_at: now,
      next_update_at: signal.status === "firing" ? now + this.settings.updateIntervalMs : null,
      cancelled_at: null,
    });
    this.store.insertOutage({ ...outage, incident_id: incident.id });
    const first = signal.status === "firing" ? "INITIAL" : "COMPLETION";
    return [this.draft(incident, first, now, { ...(overrunNote ? { change: overrunNote } : {}), ...this.incidentFacts(incident, signal) })];
  }

  /**
   * The COMPLETION's unavailable minutes when the rules measured the outage incident (its start and
   * end are the incident's, so start to end is its length) and it is the incident's only service.
   */
  private incidentFacts(incident: IncidentRow, signal: Extract<AlertSignal, { type: "outage" }>): Partial<NoticeFacts> {
    const f = signal.incident;
    if (!f || signal.status !== "resolved" || (JSON.parse(incident.services) as Service[]).length !== 1) return {};
    return { unavailableMinutes: f.unavailableMinutes };
  }

  /** After one outage of an incident resolved: COMPLETION when none fires any more, else UPDATE. */
  private afterResolve(incident: IncidentRow, signal: Extract<AlertSignal, { type: "outage" }>, now: number, note?: string): CreatedNotice[] {
    if (incident.status === "resolved") return [];
    const stillDown = this.store.firingServices(incident.id);
    if (stillDown.length === 0) {
      const end = this.store.latestOutageEnd(incident.id) ?? now;
      this.store.updateIncident(incident.id, { status: "resolved", end_ms: end, next_update_at: null });
      const resolved = this.store.incident(incident.id)!;
      return [this.draft(resolved, "COMPLETION", now, this.incidentFacts(resolved, signal))];
    }
    // Another alert still has the same service down: nothing changed for the market.
    if (note === undefined && stillDown.includes(signal.service)) return [];
    const change =
      note ??
      `The ${this.serviceName(signal.service)} was restored at ${this.time(signal.endMs!)}; the ${joinServices(stillDown, this.settings.wording.serviceNames)} ${stillDown.length > 1 ? "remain" : "remains"} unavailable.`;
    this.store.updateIncident(incident.id, { next_update_at: now + this.settings.updateIntervalMs });
    return [this.draft(this.store.incident(incident.id)!, "UPDATE", now, { change })];
  }

  /** The cadence: an UPDATE for every open incident whose next update is due. Call inside a transaction. */
  dueUpdates(now: number): CreatedNotice[] {
    const created: CreatedNotice[] = [];
    for (const incident of this.store.incidentsDueForUpdate(now)) {
      this.store.updateIncident(incident.id, { next_update_at: now + this.settings.updateIntervalMs });
      created.push(
        this.draft(this.store.incident(incident.id)!, "UPDATE", now, { change: "There is no change in status: SMT continues to work on restoring service." }),
      );
    }
    return created;
  }

  /** A new incident with its series, provisional until its first notice is sent (series-id.ts). */
  openSeries(fields: Omit<IncidentRow, "id" | "series_id">): IncidentRow {
    return insertProvisionalIncident(this.store, this.naming, fields);
  }

  /** How series ids are made: the id prefix, the audience code and the zone of the id's date. */
  get naming(): SeriesNaming {
    return { idPrefix: this.settings.idPrefix, audience: this.settings.audience, timeZone: this.settings.wording.timeZone };
  }

  /** The facts of the next notice of an incident's series (planned kinds: the window, no next update). */
  facts(incident: IncidentRow, kind: NoticeKind, id: string, now: number, extra: Partial<NoticeFacts>): NoticeFacts {
    const planned = incident.kind === "planned";
    const services = JSON.parse(incident.services) as Service[];
    return {
      kind,
      id,
      createdAt: now,
      services,
      start: incident.start_ms,
      ...(incident.end_ms !== null && (kind === "COMPLETION" || planned) ? { end: incident.end_ms } : {}),
      ...(incident.summary ? { summary: incident.summary } : {}),
      ...(incident.description ? { description: incident.description } : {}),
      ...(incident.runbook_url ? { runbookUrl: incident.runbook_url } : {}),
      ...(incident.next_update_at !== null && kind !== "COMPLETION" && !planned ? { nextUpdate: incident.next_update_at } : {}),
      ...(incident.due_date ? { dueDate: incident.due_date } : {}),
      ...(kind === "COMPLETION" ? { serviceSpans: serviceSpans(this.store.outagesOf(incident.id), services) } : {}),
      ...extra,
    };
  }

  /** Renders a notice's text again from new facts (a draft whose planned window moved before anything was sent). */
  render(facts: NoticeFacts): { subject: string; body: string } {
    return renderNotice(facts, this.settings.wording);
  }

  /**
   * Renders and stores the next notice of an incident's series, audits it and queues it for every
   * channel. `dueDate` is the day a planned-series notice must go out by (shown on the review page).
   */
  draft(incident: IncidentRow, kind: NoticeKind, now: number, extra: Partial<NoticeFacts>, dueDate: string | null = null): CreatedNotice {
    const sequence = this.store.nextSequence(incident.id);
    const id = noticeId(incident.series_id, sequence);
    const facts = this.facts(incident, kind, id, now, extra);
    const services = facts.services;
    const rendered = renderNotice(facts, this.settings.wording);
    const row: NoticeRow = {
      id,
      incident_id: incident.id,
      sequence,
      kind,
      status: "draft",
      services: JSON.stringify(services),
      subject: rendered.subject,
      body: rendered.body,
      version: 1,
      created_at: now,
      updated_at: now,
      approved_by: null,
      approved_at: null,
      sent_by: null,
      sent_at: null,
      due_date: dueDate,
      // The window a planned-series notice states: what the market knows once it is sent.
      window_start_ms: incident.kind === "planned" ? facts.start : null,
      window_end_ms: incident.kind === "planned" ? (facts.end ?? null) : null,
    };
    this.store.insertNotice(row);
    this.store.addAudit(id, now, SYSTEM_ACTOR, "created", { kind, subject: rendered.subject });
    for (const channel of this.settings.channels) this.store.enqueue(id, channel, now);
    return { id, kind };
  }

  private serviceName(service: Service): string {
    return this.settings.wording.serviceNames[service];
  }

  private time(ms: number): string {
    return formatTimeOnDay(ms, this.settings.wording.timeZone);
  }
}

/** When each service of a resolved incident was unavailable: its first outage start to its last outage end. */
function serviceSpans(outages: readonly OutageRow[], services: readonly Service[]): NonNullable<NoticeFacts["serviceSpans"]> {
  return services.flatMap((service) => {
    const own = outages.filter((o) => o.service === service && o.end_ms !== null);
    if (own.length === 0) return [];
    return [{ service, start: Math.min(...own.map((o) => o.start_s * 1000)), end: Math.max(...own.map((o) => o.end_ms!)) }];
  });
}

function addService(incident: IncidentRow, service: Service): Service[] {
  const services = JSON.parse(incident.services) as Service[];
  return services.includes(service) ? services : [...services, service];
}
