import type { WebSecurity } from "../web/web-security.js";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { SERVICES, type Service } from "../config/schema.js";
import { VERSION } from "../version.js";
import { emlFileName, renderEml } from "./notice-eml.js";
import { approveNotice, editNotice, markNoticeSent, noticeAsOf, REVIEW_FORM_MAX_BYTES, REVIEW_JSON_MAX_BYTES, type ReviewOutcome } from "./notice-review.js";
import { recipientSettings, recipientsFor } from "./notice-recipients.js";
import { NOTICE_PAGE_SIZE, NOTICE_STATUSES, type Notice, type NoticeStatus } from "./notice-store.js";
import type { WebhookOutcome } from "./notifier-metrics.js";
import { bearerToken, ReviewerAuth, secretEquals, securityHeaders } from "./review-auth.js";
import { NOTICES_CSS, NOTICES_JS, errorPage, noticeListPage, noticePage } from "./review-pages.js";
import { alertTimeProblems } from "./alert-time.js";
import { describeIssues, webhookPayload } from "./webhook-payload.js";
import type { NotifierConfig } from "../config/notifier-load.js";
import type { Logger } from "../log/logger.js";
import type { DeliveryResult } from "./incident-lifecycle.js";
import type { NoticeStore } from "./notice-store.js";
import type { NotifierMetrics } from "./notifier-metrics.js";
import type { WebhookPayload } from "./webhook-payload.js";
import type { SeriesNaming } from "./series-id.js";
import type { CallCenterOutageBook } from "./call-center-outages.js";
import { callCenterRoutes } from "./call-center-routes.js";
import { reviewerFormBody, reviewerJsonApi, sameSiteForm } from "./reviewer-requests.js";

/**
 * What the endpoints use of the notifier (notifier.ts's Notifier), declared here so that this
 * module does not import notifier.ts, which imports it.
 */
export interface NotifierService {
  readonly config: NotifierConfig;
  readonly logger: Logger;
  readonly store: NoticeStore;
  readonly metrics: NotifierMetrics;
  readonly now: () => number;
  readonly isReady: boolean;
  readonly notReadyReason: string | undefined;
  /** How series ids are made: marking the first notice of a series sent fixes its id. */
  readonly seriesNaming: SeriesNaming;
  /** --web.config.file: basic auth and headers in front of /metrics and the health endpoints. */
  readonly security?: WebSecurity;
  /** Call-center outages declared by reviewers (call-center-outages.ts). */
  readonly callCenterOutages: CallCenterOutageBook;
  submitDelivery(payload: WebhookPayload, rawBody: string): Promise<DeliveryResult>;
}

/**
 * The notifier's HTTP endpoints:
 * - POST /alertmanager/webhook              Alertmanager (bearer token)
 * - GET  /notices, /notices/:id, /notices/:id/eml, POST /notices/:id/{edit,approve,sent}   review pages (reviewers)
 * - /api/v1/notices…                        the same as JSON (reviewers)
 * - /metrics, /-/healthy, /-/ready, /-/version   open, as Prometheus conventions expect, unless
 *   --web.config.file lists basic_auth_users: then those users only
 */
export function createNotifierApp(notifier: NotifierService): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(securityHeaders);
  const config = notifier.config;
  const auth = new ReviewerAuth(config.reviewers);
  const zone = config.raw.notices.time_zone;
  const recipients = recipientSettings(config.raw.notices);
  const metrics = notifier.metrics;
  /** What a reviewer sees of a notice now: an unsent one with the NOTICE DATE of today. */
  const shown = (notice: Notice) => noticeAsOf(notice, notifier.now(), zone);

  // --- Alertmanager webhook -------------------------------------------------------------------
  const answer = (res: Response, outcome: WebhookOutcome, status: number, body: Record<string, unknown>) => {
    metrics.webhookRequests.inc({ outcome });
    res.status(status).json(body);
  };
  app.all(
    "/alertmanager/webhook",
    (req, res, next) => {
      if (req.method !== "POST") {
        res.status(405).set("Allow", "POST").json({ error: "only POST is allowed" });
        return;
      }
      const token = bearerToken(req);
      if (token === undefined || !secretEquals(token, config.webhookToken)) {
        res.set("WWW-Authenticate", 'Bearer realm="smt-notifier"');
        answer(res, "unauthorized", 401, { error: token === undefined ? "missing bearer token" : "wrong bearer token" });
        return;
      }
      if (!req.is("application/json")) {
        answer(res, "unsupported_media_type", 415, { error: `expected Content-Type application/json, got ${req.get("content-type") ?? "none"}` });
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: config.raw.webhook.max_body_bytes }),
    async (req, res) => {
      const started = process.hrtime.bigint();
      const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (err) {
        answer(res, "bad_request", 400, { error: `malformed JSON: ${(err as Error).message}` });
        return;
      }
      const parsed = webhookPayload.safeParse(json);
      if (!parsed.success) {
        answer(res, "bad_request", 400, { error: "not an Alertmanager webhook payload (version 4)", problems: describeIssues(parsed.error) });
        return;
      }
      // Times far from now are refused before anything is stored (alert-time.ts, docs/notices.md).
      const timeProblems = alertTimeProblems(parsed.data.alerts, notifier.now());
      if (timeProblems.length > 0) {
        answer(res, "bad_request", 400, {
          error: "time stamps outside the window the notifier accepts (docs/notices.md)",
          problems: timeProblems.slice(0, 20),
        });
        return;
      }
      let result;
      try {
        result = await notifier.submitDelivery(parsed.data, raw);
      } catch (err) {
        notifier.logger.error({ err }, "cannot store a webhook delivery; answering 500 so Alertmanager retries");
        answer(res, "storage_error", 500, { error: "the notice store could not commit this notification; retry later" });
        return;
      }
      metrics.webhookDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      answer(res, "accepted", 200, { status: "stored", delivery_id: result.deliveryId, drafts: result.created, ignored: result.ignored });
    },
  );

  // --- review pages ---------------------------------------------------------------------------
  app.get("/static/notices.css", (_req, res) => {
    res.type("text/css").set("Cache-Control", "public, max-age=300").send(NOTICES_CSS);
  });
  app.get("/static/notices.js", (_req, res) => {
    res.type("text/javascript").set("Cache-Control", "public, max-age=300").send(NOTICES_JS);
  });
  app.get("/favicon.ico", (_req, res) => {
    res.status(204).set("Cache-Control", "public, max-age=86400").end();
  });
  app.get("/", (_req, res) => res.redirect(303, "/notices"));

  const pages = express.Router();
  pages.use(auth.require);
  pages.get("/", (req, res) => {
    const filter = listFilter(req);
    if ("error" in filter) {
      res
        .status(400)
        .type("html")
        .send(errorPage(400, filter.error, reviewer(res), "/notices"));
      return;
    }
    res.type("html").send(noticeListPage(notifier.store.listNotices(filter).map(shown), filter, reviewer(res), zone, notifier.now()));
  });
  // A provisional id handed out before its series was sent leads to the notice's fixed id.
  const renamed = (prefix: string) => (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    const current = notifier.store.notice(id) ? undefined : notifier.store.renamedNoticeId(id);
    if (current === undefined) return next();
    const slash = req.path.indexOf("/", 1);
    const rest = slash === -1 ? "" : req.path.slice(slash);
    res.redirect(req.method === "GET" || req.method === "HEAD" ? 301 : 308, `${prefix}/${encodeURIComponent(current)}${rest}`);
  };
  pages.all(["/:id", "/:id/*rest"], renamed("/notices"));
  pages.get("/:id", (req, res) => {
    const notice = notifier.store.notice(String(req.params.id));
    if (!notice) {
      res
        .status(404)
        .type("html")
        .send(errorPage(404, `No notice ${req.params.id}.`, reviewer(res), "/notices"));
      return;
    }
    res.type("html").send(pageOf(notice, reviewer(res)));
  });
  pages.get("/:id/eml", async (req, res, next) => {
    try {
      await sendEml(String(req.params.id), res);
    } catch (err) {
      next(err);
    }
  });
  const formAction = (run: (id: string, form: Record<string, string>, who: string, version: number | undefined) => ReviewOutcome, label: string) => [
    reviewerFormBody,
    (req: Request, res: Response) => {
      const who = reviewer(res);
      const id = String(req.params.id);
      const form = sameSiteForm(req, res, auth, who, `/notices/${encodeURIComponent(id)}`);
      if (!form) return;
      const version = form.version !== undefined && /^\d+$/.test(form.version) ? Number(form.version) : undefined;
      const outcome = run(id, form, who, version);
      const current = outcome.ok ? undefined : notifier.store.notice(id);
      if (!outcome.ok && outcome.status === 422 && current) {
        // The edit broke the field layout: the page again, with the message and the reviewer's text to fix.
        res
          .status(422)
          .type("html")
          .send(pageOf(current, who, { message: outcome.message, edited: { subject: form.subject ?? current.subject, body: form.body ?? current.body } }));
        return;
      }
      if (!outcome.ok) {
        res
          .status(outcome.status)
          .type("html")
          .send(errorPage(outcome.status, outcome.message, who, `/notices/${encodeURIComponent(id)}`));
        return;
      }
      metrics.reviewActions.inc({ action: label });
      notifier.logger.info({ notice: outcome.notice.id, reviewer: who, action: label }, "notice reviewed");
      // The first send of a series fixes its id: the notice is then at its new address.
      res.redirect(303, `/notices/${encodeURIComponent(outcome.notice.id)}`);
    },
  ];
  pages.post(
    "/:id/edit",
    ...formAction((id, form, who, version) => editNotice(notifier.store, id, { subject: form.subject, body: form.body, version }, who, notifier.now()), "edit"),
  );
  pages.post("/:id/approve", ...formAction((id, _f, who, version) => approveNotice(notifier.store, id, who, notifier.now(), version), "approve"));
  pages.post(
    "/:id/sent",
    ...formAction((id, _f, who, version) => markNoticeSent(notifier.store, id, who, notifier.now(), version, notifier.seriesNaming, zone), "mark_sent"),
  );
  app.use("/notices", pages);

  // --- JSON API ------------------------------------------------------------------------------
  const api = reviewerJsonApi(auth);
  api.all(["/:id", "/:id/*rest"], renamed("/api/v1/notices"));
  api.get("/", (req, res) => {
    const filter = listFilter(req);
    if ("error" in filter) {
      res.status(400).json({ error: filter.error });
      return;
    }
    res.json({ notices: notifier.store.listNotices(filter).map((n) => noticeJson(shown(n))) });
  });
  api.get("/:id", (req, res) => {
    const notice = notifier.store.notice(String(req.params.id));
    if (!notice) {
      res.status(404).json({ error: `no notice ${req.params.id}` });
      return;
    }
    res.json({
      notice: noticeJson(shown(notice)),
      audit: notifier.store.auditOf(notice.id).map((a) => ({ at: new Date(a.at).toISOString(), actor: a.actor, action: a.action, detail: a.detail })),
      announcements: notifier.store.outboxOf(notice.id).map((o) => ({ channel: o.channel, status: o.status, attempts: o.attempts, last_error: o.last_error })),
    });
  });
  api.get("/:id/eml", async (req, res, next) => {
    try {
      await sendEml(String(req.params.id), res);
    } catch (err) {
      next(err);
    }
  });
  const apiAction = (run: (id: string, body: Record<string, unknown>, who: string) => ReviewOutcome, label: string) => (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== "object" || Array.isArray(body)) {
      res.status(400).json({ error: "expected a JSON object" });
      return;
    }
    if (body.version !== undefined && (typeof body.version !== "number" || !Number.isInteger(body.version))) {
      res.status(400).json({ error: "version: expected an integer" });
      return;
    }
    for (const field of ["subject", "body"]) {
      if (body[field] !== undefined && typeof body[field] !== "string") {
        res.status(400).json({ error: `${field}: expected a string` });
        return;
      }
    }
    const outcome = run(String(req.params.id), body, reviewer(res));
    if (!outcome.ok) {
      res.status(outcome.status).json({ error: outcome.message });
      return;
    }
    metrics.reviewActions.inc({ action: label });
    notifier.logger.info({ notice: outcome.notice.id, reviewer: reviewer(res), action: label }, "notice reviewed");
    res.json({ notice: noticeJson(shown(outcome.notice)) });
  };
  const ver = (b: Record<string, unknown>) => b.version as number | undefined;
  api.patch(
    "/:id",
    apiAction(
      (id, b, who) =>
        editNotice(notifier.store, id, { subject: b.subject as string | undefined, body: b.body as string | undefined, version: ver(b) }, who, notifier.now()),
      "edit",
    ),
  );
  api.post(
    "/:id/approve",
    apiAction((id, b, who) => approveNotice(notifier.store, id, who, notifier.now(), ver(b)), "approve"),
  );
  api.post(
    "/:id/sent",
    apiAction((id, b, who) => markNoticeSent(notifier.store, id, who, notifier.now(), ver(b), notifier.seriesNaming, zone), "mark_sent"),
  );
  app.use("/api/v1/notices", api);

  // --- declared call-center outages (call-center-routes.ts) ----------------------------------
  const callCenter = callCenterRoutes({ book: notifier.callCenterOutages, auth, now: notifier.now, zone, logger: notifier.logger });
  app.use("/call-center", callCenter.pages);
  app.use("/api/v1/call-center", callCenter.api);

  // --- operations ----------------------------------------------------------------------------
  if (notifier.security) app.use(["/metrics", "/-/healthy", "/-/ready", "/-/version"], notifier.security.guard);
  app.get("/metrics", async (_req, res) => {
    try {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (err) {
      res
        .status(500)
        .type("text/plain")
        .send(`error collecting metrics: ${(err as Error).message}\n`);
    }
  });
  app.get("/-/healthy", (_req, res) => {
    res.type("text/plain").send("Healthy.\n");
  });
  app.get("/-/ready", (_req, res) => {
    if (notifier.isReady) res.type("text/plain").send("Ready.\n");
    else
      res
        .status(503)
        .type("text/plain")
        .send(`Not ready: ${notifier.notReadyReason ?? "starting"}.\n`);
  });
  app.get("/-/version", (_req, res) => {
    res.json({ version: VERSION });
  });

  // Errors from body parsers (size, JSON) and the rest.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const isWebhook = req.path === "/alertmanager/webhook";
    const message =
      err.type === "entity.too.large"
        ? `body too large (limit ${isWebhook ? config.raw.webhook.max_body_bytes : req.is("application/json") ? REVIEW_JSON_MAX_BYTES : REVIEW_FORM_MAX_BYTES} bytes)`
        : status < 500
          ? err.message
          : "internal error";
    if (status >= 500) notifier.logger.error({ err, path: req.path }, "request failed");
    if (isWebhook) metrics.webhookRequests.inc({ outcome: err.type === "entity.too.large" ? "too_large" : status >= 500 ? "storage_error" : "bad_request" });
    if (!res.headersSent) res.status(status).json({ error: message });
  });

  function reviewer(res: Response): string {
    return String(res.locals.reviewer);
  }

  function pageOf(notice: Notice, who: string, after?: { message: string; edited: { subject: string; body: string } }): string {
    const audience = recipientsFor(notice.services, recipients);
    return noticePage({
      notice: shown(notice),
      audit: notifier.store.auditOf(notice.id),
      outbox: notifier.store.outboxOf(notice.id),
      to: audience.to,
      cc: audience.cc,
      reviewer: who,
      csrf: auth.csrfToken(who),
      zone,
      ...after,
      now: notifier.now(),
    });
  }

  async function sendEml(id: string, res: Response): Promise<void> {
    const stored = notifier.store.notice(id);
    if (!stored) {
      res.status(404).type("text/plain").send(`No notice ${id}.\n`);
      return;
    }
    const notice = shown(stored);
    const audience = recipientsFor(notice.services, recipients);
    const eml = await renderEml({
      noticeId: notice.id,
      version: notice.version,
      from: config.raw.notices.from,
      to: audience.to,
      cc: audience.cc,
      subject: notice.subject,
      body: notice.body,
      ...(notice.sent_at !== null ? { sentAt: new Date(notice.sent_at) } : {}),
      messageIdDomain: new URL(config.raw.external_url).hostname || "smt-notifier.invalid",
    });
    res
      .type("message/rfc822")
      .set("Content-Disposition", `attachment; filename="${emlFileName(notice.id)}"`)
      .send(eml);
  }

  return app;
}

function listFilter(req: Request): { status?: NoticeStatus; service?: Service; limit?: number } | { error: string } {
  const q = req.query as Record<string, string | undefined>;
  const out: { status?: NoticeStatus; service?: Service; limit?: number } = {};
  if (q.status) {
    if (!(NOTICE_STATUSES as readonly string[]).includes(q.status)) return { error: `status: expected one of ${NOTICE_STATUSES.join(", ")}` };
    out.status = q.status as NoticeStatus;
  }
  if (q.service) {
    if (!(SERVICES as readonly string[]).includes(q.service)) return { error: `service: expected one of ${SERVICES.join(", ")}` };
    out.service = q.service as Service;
  }
  if (q.limit) {
    const limit = /^\d{1,7}$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!(limit >= 1 && limit <= NOTICE_PAGE_SIZE.max)) return { error: `limit: expected a whole number from 1 to ${NOTICE_PAGE_SIZE.max}` };
    out.limit = limit;
  }
  return out;
}

export function noticeJson(n: Notice) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: n.id,
    sequence: n.sequence,
    kind: n.kind,
    status: n.status,
    services: n.services,
    subject: n.subject,
    body: n.body,
    version: n.version,
    created_at: iso(n.created_at),
    updated_at: iso(n.updated_at),
    approved_by: n.approved_by,
    approved_at: iso(n.approved_at),
    sent_by: n.sent_by,
    sent_at: iso(n.sent_at),
    due_date: n.due_date,
  };
}
