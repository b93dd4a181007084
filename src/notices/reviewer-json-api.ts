import express, { type Router } from "express";
import { REVIEW_JSON_MAX_BYTES } from "./notice-review.js";
import { sameOrigin, type ReviewerAuth } from "./review-auth.js";

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
