import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { REVIEW_FORM_MAX_BYTES, REVIEW_JSON_MAX_BYTES } from "./notice-review.js";
import { sameOrigin, type ReviewerAuth } from "./review-auth.js";
import { errorPage } from "./review-pages.js";

/** The review pages' form bodies: URL-encoded, bounded by REVIEW_FORM_MAX_BYTES and ten fields. */
export const reviewerFormBody: RequestHandler = express.urlencoded({ extended: false, limit: REVIEW_FORM_MAX_BYTES, parameterLimit: 10 });

/**
 * The fields of a review page's form when it came from this site with the reviewer's CSRF token;
 * otherwise answers 403 with a page linking back to `backTo` and returns undefined.
 */
export function sameSiteForm(req: Request, res: Response, auth: ReviewerAuth, who: string, backTo: string): Record<string, string> | undefined {
  const form = (req.body ?? {}) as Record<string, string>;
  if (sameOrigin(req) && auth.csrfValid(who, form.csrf)) return form;
  res
    .status(403)
    .type("html")
    .send(errorPage(403, "This form did not come from this site (or is from before a restart): reload the page and try again.", who, backTo));
  return undefined;
}

/**
 * A router for one of the reviewers' JSON APIs (notices, declared call-center outages): a signed-in
 * reviewer for every request; writes only from the same origin (403) and as JSON (415), bounded by
 * REVIEW_JSON_MAX_BYTES. The routes are added to the router it returns.
 */
export function reviewerJsonApi(auth: ReviewerAuth): Router {
  const api = express.Router();
  api.use(auth.require);
  api.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    if (!sameOrigin(req)) {
      res.status(403).json({ error: "cross-site requests are not accepted" });
      return;
    }
    if (!req.is("application/json")) {
      res.status(415).json({ error: "expected Content-Type application/json" });
      return;
    }
    next();
  });
  api.use(express.json({ limit: REVIEW_JSON_MAX_BYTES, strict: true }));
  return api;
}
