import { z } from 'zod';
import { FeedbackInput, RatingInput } from '../../domain/service-ratings/rating-input.js';
import { ratingTarget, submitRating } from '../../domain/service-ratings/ratings.js';
import { feedbackState, submitFeedback } from '../../domain/service-ratings/followups.js';
import { publicPoint, publicPointItem } from '../../domain/service-network/public-point.js';
import { servicesLimit } from '../services-rate-limit.js';
import { def } from '../route.js';
import { jsonMaybeGzipped } from '../static-gzip.js';

const Token = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a valid link');
const tags = ['services-public'];
const PointCode = z.string().regex(/^[0-9A-Za-z-]{2,40}$/, 'not a point code');

export const pointPage = def({
  access: 'public',
  schema: { tags, summary: "A service point's public page: hours today and this week, the items it offers with each guide's summary", params: z.strictObject({ code: PointCode }) },
  handler: async ({ req, reply, deps }) => {
    await servicesLimit(deps, req, 'point');
    return jsonMaybeGzipped(req.headers['accept-encoding'], reply, await publicPoint(deps.db, deps.clock, req.params.code));
  },
});
export const pointItem = def({
  access: 'public',
  schema: {
    tags, summary: 'The guide (办事指南) of an item a point offers: materials, conditions, limits, fees',
    params: z.strictObject({ code: PointCode, itemId: z.string().min(1).max(64) }),
  },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'point');
    return publicPointItem(deps.db, deps.clock, req.params.code, req.params.itemId);
  },
});

export const ratingPage = def({
  access: 'public',
  schema: { tags, summary: 'What a rating link is about (no account; no personal data)', params: z.strictObject({ token: Token }) },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'rating');
    return ratingTarget(deps.db, deps.clock, req.params.token);
  },
});
export const rate = def({
  access: 'public',
  schema: { tags, summary: 'Rate a service once (好差评), within the rating window; a 差评 (★1–2) needs its reason (comment)', params: z.strictObject({ token: Token }), body: RatingInput },
  handler: async ({ req, reply, deps }) => {
    await servicesLimit(deps, req, 'rate');
    const out = await deps.db.transaction().execute((trx) => submitRating(trx, deps.clock, req.params.token, req.body));
    reply.status(201);
    return out;
  },
});
export const feedbackStateRoute = def({
  access: 'public',
  schema: { tags, summary: 'Whether the outcome of a 差评 can be judged yet (open, ready, given, voided)', params: z.strictObject({ token: Token }) },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'rating');
    return feedbackState(deps.db, req.params.token);
  },
});
export const feedback = def({
  access: 'public',
  schema: { tags, summary: 'The rater judges how a 差评 was followed up', params: z.strictObject({ token: Token }), body: FeedbackInput },
  handler: async ({ req, deps }) => {
    await servicesLimit(deps, req, 'feedback');
    return deps.db.transaction().execute((trx) => submitFeedback(trx, deps.clock, req.params.token, req.body));
  },
});
