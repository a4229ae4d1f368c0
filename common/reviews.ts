/**
 * 差评整改: the follow-up of a bad review (docs/alerts.md, "Bad-review follow-ups"). The results a
 * follow-up may have, the body of `POST /api/v1/reviews/:id/follow-up`, the stored record, and the
 * answer of `GET /api/v1/reviews/follow-ups`; shared by the hub and the supervisor console (no zod
 * here: the console's bundle does not carry it).
 */

/** What the follow-up call found. */
export const FOLLOW_UP_RESULTS = ['已联系-已整改', '已联系-群众不认可', '无法联系'] as const;
export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];

/** What a follow-up says (checked by the hub's zod schema, server/reviews/review-routes.ts). */
export interface FollowUpBody {
  result: FollowUpResult;
  note: string;
  /** The citizen's new rating at the call (1-5 stars), if they gave one. */
  rerating?: number;
}

export interface ReviewFollowUp {
  /** The rating event's id (the alert's subject is `review:<id>`). */
  review: string;
  alertId: string;
  center: string;
  dept: string | null;
  window: string | null;
  /** Stars of the bad review. */
  score: number | null;
  /** When the review was given (epoch ms) and its Asia/Shanghai day, YYYY-MM-DD. */
  reviewedAt: number;
  reviewDay: string;
  /** The end of the due working day (epoch ms). */
  dueAt: number;
  /** When the follow-up was recorded, and by whom. */
  at: number;
  by: string;
  result: FollowUpResult;
  note: string;
  rerating?: number;
  /** Recorded by `dueAt`. */
  inTime: boolean;
  /** Re-rated 3 stars or more. */
  reratedSatisfied: boolean;
}

/** The follow-up figures of one scope and day: the bad reviews of that day and what became of them. */
export interface ReviewFigures {
  bad: number;
  followedUp: number;
  inTime: number;
  reratedSatisfied: number;
  /** 整改率 (common/figures.ts `rectificationRate`); null without a bad review. */
  rectificationRate: number | null;
}

export interface ReviewFollowUpsAnswer {
  scope: string;
  date: string;
  figures: ReviewFigures;
  followUps: ReviewFollowUp[];
}
