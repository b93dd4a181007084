import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "../log/logger.js";
import type { CallCenterOutage, CallCenterOutageBook, OutageInput, OutageOutcome } from "./call-center-outages.js";
import { callCenterOutagesPage } from "./call-center-pages.js";
import type { ReviewerAuth } from "./review-auth.js";
import { reviewerFormBody, reviewerJsonApi, sameSiteForm } from "./reviewer-requests.js";

export interface CallCenterRouteDeps {
  book: CallCenterOutageBook;
  auth: ReviewerAuth;
  now: () => number;
  zone: string;
  logger: Logger;
}

/**
 * The declared call-center outages over HTTP, for reviewers (basic auth, same-origin, CSRF tokens
 * on forms, JSON on the API), as the notices are:
 * - GET/POST /call-center/outages, POST /call-center/outages/:id/edit   the review page and its forms
 * - GET/POST /api/v1/call-center/outages, GET/PATCH /api/v1/call-center/outages/:id   JSON
 * - GET /api/v1/call-center/status   the status feed the exporter's status_feed check polls
 */
export function callCenterRoutes(deps: CallCenterRouteDeps): { pages: Router; api: Router } {
  const { book, auth, now, zone, logger } = deps;
  const who = (res: Response) => String(res.locals.reviewer);
  const logged = (outcome: OutageOutcome, reviewer: string, action: string) => {
    if (outcome.ok) logger.info({ outage: outcome.outage.id, reviewer, action }, "call-center outage recorded");
  };

  // --- review page ---------------------------------------------------------------------------
  const pages = express.Router();
  pages.use(auth.require);
  const page = (res: Response, status = 200, extra: { message?: string; form?: { start?: string; end?: string; reason?: string } } = {}) => {
    const reviewer = who(res);
    res
      .status(status)
      .type("html")
      .send(
        callCenterOutagesPage({
          outages: book.list().map((outage) => ({ outage, audit: book.auditOf(outage.id) })),
          reviewer,
          csrf: auth.csrfToken(reviewer),
          zone,
          now: now(),
          ...extra,
        }),
      );
  };
  pages.get("/outages", (_req, res) => page(res));
  const checkForm = (req: Request, res: Response) => sameSiteForm(req, res, auth, who(res), "/call-center/outages");
  const formOutcome = (res: Response, outcome: OutageOutcome, form: { start?: string; end?: string; reason?: string }) => {
    if (outcome.ok) {
      res.redirect(303, "/call-center/outages");
      return;
    }
    page(res, outcome.status, { message: `${outcome.field !== undefined ? `${outcome.field}: ` : ""}${outcome.message}`, form });
  };
  pages.post("/outages", reviewerFormBody, (req, res) => {
    const form = checkForm(req, res);
    if (!form) return;
    const outcome = book.declare({ start: form.start, end: form.end, reason: form.reason }, who(res), now());
    logged(outcome, who(res), "declare");
    formOutcome(res, outcome, form);
  });
  pages.post("/outages/:id/edit", reviewerFormBody, (req, res) => {
    const form = checkForm(req, res);
    if (!form) return;
    const id = Number(req.params.id);
    const version = /^\d+$/.test(form.version ?? "") ? Number(form.version) : undefined;
    const input: OutageInput =
      form.action === "cancel"
        ? { cancelled: true, version }
        : form.action === "end_now"
          ? { end: new Date(now()).toISOString(), version }
          : { start: form.start, end: form.end, reason: form.reason, version };
    const outcome = Number.isSafeInteger(id) ? book.edit(id, input, who(res), now()) : ({ ok: false, status: 404, message: "no such outage" } as const);
    logged(outcome, who(res), form.action ?? "save");
    formOutcome(res, outcome, {});
  });

  // --- JSON API ------------------------------------------------------------------------------
  const api = reviewerJsonApi(auth);
  const answer = (res: Response, outcome: OutageOutcome, created = false) => {
    if (!outcome.ok) {
      res.status(outcome.status).json({ error: outcome.message, ...(outcome.field !== undefined ? { field: outcome.field } : {}) });
      return;
    }
    res.status(created ? 201 : 200).json({ outage: outageJson(outcome.outage), audit: auditJson(book, outcome.outage.id) });
  };
  const body = (req: Request): OutageInput | undefined => {
    const b = req.body as unknown;
    return typeof b === "object" && b !== null && !Array.isArray(b) ? b : undefined;
  };
  api.get("/status", (_req, res) => {
    const status = book.statusAt(now());
    res.json({
      state: status.state,
      ...(status.reason !== undefined ? { reason: status.reason } : {}),
      ...(status.since !== undefined ? { since: new Date(status.since).toISOString() } : {}),
      updated_at: new Date(now()).toISOString(),
    });
  });
  api.get("/outages", (_req, res) => {
    res.json({ outages: book.list().map(outageJson) });
  });
  api.post("/outages", (req, res) => {
    const input = body(req);
    if (!input) {
      res.status(400).json({ error: "expected a JSON object with start, end (or null: ongoing) and reason" });
      return;
    }
    const outcome = book.declare(input, who(res), now());
    logged(outcome, who(res), "declare");
    answer(res, outcome, true);
  });
  api.get("/outages/:id", (req, res) => {
    const outage = book.get(Number(req.params.id));
    if (!outage) {
      res.status(404).json({ error: `no call-center outage ${req.params.id}` });
      return;
    }
    res.json({ outage: outageJson(outage), audit: auditJson(book, outage.id) });
  });
  api.patch("/outages/:id", (req, res) => {
    const input = body(req);
    if (!input) {
      res.status(400).json({ error: "expected a JSON object with the fields to change" });
      return;
    }
    const id = Number(req.params.id);
    const outcome = Number.isSafeInteger(id) ? book.edit(id, input, who(res), now()) : ({ ok: false, status: 404, message: "no such outage" } as const);
    logged(outcome, who(res), "edit");
    answer(res, outcome);
  });
  return { pages, api };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function outageJson(o: CallCenterOutage) {
  return {
    id: o.id,
    start: iso(o.start_ms),
    end: iso(o.end_ms),
    ongoing: o.end_ms === null && !o.cancelled,
    reason: o.reason,
    declared_by: o.declared_by,
    declared_at: iso(o.declared_at),
    updated_at: iso(o.updated_at),
    cancelled: o.cancelled,
    version: o.version,
  };
}

function auditJson(book: CallCenterOutageBook, id: number) {
  return book.auditOf(id).map((a) => ({ at: new Date(a.at).toISOString(), actor: a.actor, action: a.action, detail: a.detail }));
}
