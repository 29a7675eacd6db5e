import { keptOnPhone } from '../kept-on-phone';

/**
 * The 差评 outcome-feedback links of the ratings given from this phone, by the rating link's
 * token: the server answers the feedback link once, so the rating page shows it again from here.
 */
export interface MyRating {
  rateToken: string;
  feedbackPath: string;
}

const kept = keptOnPhone<MyRating>(
  'closeloop.public.ratings',
  (r) => typeof r.rateToken === 'string' && typeof r.feedbackPath === 'string' && r.feedbackPath.startsWith('/rate/feedback/'),
  (a, b) => a.rateToken === b.rateToken,
);
export const rememberRating = kept.remember;
/** The feedback link kept for the rating made through `rateToken`, if any. */
export const feedbackPathOf = (rateToken: string) => kept.all().find((r) => r.rateToken === rateToken)?.feedbackPath ?? null;
