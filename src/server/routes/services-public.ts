import { z } from 'zod';
import { FeedbackInput, RatingInput } from '../../domain/service-ratings/rating-input.js';
import { ratingTarget, submitRating } from '../../domain/service-ratings/ratings.js';
import { submitFeedback } from '../../domain/service-ratings/followups.js';
import { publicReads, publicWrites } from '../public-rate-limit.js';
import { def } from '../route.js';

const Token = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a valid link');
const tags = ['services-public'];

export const ratingPage = def({
  access: 'public',
  schema: { tags, summary: 'What a rating link is about (no account; no personal data)', params: z.strictObject({ token: Token }) },
  handler: async ({ req, deps }) => {
    publicReads.check(req, 'rating');
    return ratingTarget(deps.db, deps.clock, req.params.token);
  },
});
export const rate = def({
  access: 'public',
  schema: { tags, summary: 'Rate a service once (好差评), within the rating window', params: z.strictObject({ token: Token }), body: RatingInput },
  handler: async ({ req, reply, deps }) => {
    publicWrites.check(req, 'rate');
    const out = await deps.db.transaction().execute((trx) => submitRating(trx, deps.clock, req.params.token, req.body));
    reply.status(201);
    return out;
  },
});
export const feedback = def({
  access: 'public',
  schema: { tags, summary: 'The rater judges how a 差评 was followed up', params: z.strictObject({ token: Token }), body: FeedbackInput },
  handler: async ({ req, deps }) => {
    publicWrites.check(req, 'feedback');
    return deps.db.transaction().execute((trx) => submitFeedback(trx, deps.clock, req.params.token, req.body));
  },
});
