/**
 * 差评整改 as a record: a bad review's follow-up call (its result, a re-rating if any), stored once
 * per review in Redis, counted into the day hashes of the review's scopes on the review's day
 * (figures: common/figures.ts `rectificationRate`), and resolving the review's alert.
 */
import type { Alert } from '../../common/alerts.ts';
import { isUnresolved } from '../../common/alerts.ts';
import type { Scope } from '../../common/catalog.ts';
import { isBadRating, rectificationRate } from '../../common/figures.ts';
import type { FollowUpBody, ReviewFigures, ReviewFollowUp } from '../../common/reviews.ts';
import { DAY_MS, dateOfDayIndex, dayIndexOf } from '../../common/time.ts';
import { AlertConflict, type AlertStore } from '../alerts/alert-store.ts';
import { Conflict, NotFound } from '../domain-errors.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { assembleScript } from '../redis/scripts.ts';

/** Follow-ups are kept as long as the figures they explain are looked at: a year and a bit. */
export const FOLLOW_UP_KEEP_MS = 400 * DAY_MS;

export function reviewKeys(prefix: string) {
  return {
    /** One follow-up (JSON), by the rating event's id. */
    followUp: (review: string) => `${prefix}reviews:fu:${review}`,
    /** The follow-ups of the bad reviews of a day (review id → follow-up time). */
    ofDay: (day: number) => `${prefix}reviews:day:${day}`,
  };
}

interface FollowUpCommands {
  ygReviewFollowUp(...args: (string | number)[]): Promise<number>;
}
type ReviewRedis = RedisClient & FollowUpCommands;

function withFollowUpScript(redis: RedisClient): ReviewRedis {
  const r = redis as ReviewRedis;
  if (typeof (r as Partial<FollowUpCommands>).ygReviewFollowUp !== 'function')
    r.defineCommand('ygReviewFollowUp', { lua: assembleScript('review-follow-up.lua') });
  return r;
}

export interface FollowUpsDeps {
  redis: RedisClient;
  keys: RedisKeys;
  store: AlertStore;
  now: () => number;
}

export interface FollowUps {
  /** The review's alert, by its id or by the rating event's id; NotFound otherwise. */
  alertOf(id: string): Promise<Alert>;
  /** Records the follow-up once (Conflict `already-followed-up` otherwise) and resolves the alert. */
  record(alert: Alert, body: FollowUpBody, by: { username: string; ip: string }): Promise<{ followUp: ReviewFollowUp; alert: Alert }>;
  /** The follow-ups of the bad reviews of a day, oldest first. */
  ofDay(day: number): Promise<ReviewFollowUp[]>;
  /** The day's figures of a scope. */
  figures(scope: Scope, day: number): Promise<ReviewFigures>;
}

const REVIEW_SUBJECT = 'review:';

export function createFollowUps(d: FollowUpsDeps): FollowUps {
  const redis = withFollowUpScript(d.redis);
  const rk = reviewKeys(d.keys.prefix);

  return {
    async alertOf(id) {
      const direct = await d.store.get(id);
      if (direct?.rule === 'review') return direct;
      // a rating id: its alert while unresolved, or the one its follow-up names
      const active = await redis.hget(d.keys.alertActive, `${REVIEW_SUBJECT}${id}`);
      const recorded = active ? null : await redis.get(rk.followUp(id));
      const alertId = active ?? (recorded ? (JSON.parse(recorded) as ReviewFollowUp).alertId : null);
      const alert = alertId ? await d.store.get(alertId) : null;
      if (alert?.rule === 'review') return alert;
      throw new NotFound(direct ? 'this alert is not a bad-review follow-up' : 'no bad-review alert or rating with this id');
    },

    async record(alert, body, by) {
      const t = d.now();
      const review = alert.subject.startsWith(REVIEW_SUBJECT) ? alert.subject.slice(REVIEW_SUBJECT.length) : alert.id;
      const day = dayIndexOf(alert.since);
      const followUp: ReviewFollowUp = {
        review,
        alertId: alert.id,
        center: alert.center,
        dept: alert.dept,
        window: alert.window,
        score: alert.score ?? null,
        reviewedAt: alert.since,
        reviewDay: dateOfDayIndex(day),
        dueAt: alert.dueAt ?? alert.since,
        at: t,
        by: by.username,
        result: body.result,
        note: body.note,
        ...(body.rerating !== undefined ? { rerating: body.rerating } : {}),
        inTime: alert.dueAt !== undefined && t <= alert.dueAt,
        reratedSatisfied: body.rerating !== undefined && !isBadRating(body.rerating),
      };
      const dayHashes = alert.scopes.map((s) => d.keys.day(s, day));
      const stored = await redis.ygReviewFollowUp(
        2 + dayHashes.length,
        rk.followUp(review),
        rk.ofDay(day),
        ...dayHashes,
        JSON.stringify(followUp),
        review,
        t,
        FOLLOW_UP_KEEP_MS,
        followUp.inTime ? '1' : '0',
        followUp.reratedSatisfied ? '1' : '0',
      );
      if (stored !== 1) {
        const before = await redis.get(rk.followUp(review));
        throw new Conflict('already-followed-up', 'this bad review was followed up already', before ? { followUp: JSON.parse(before) as unknown } : {});
      }
      if (!isUnresolved(alert.state)) return { followUp, alert };
      const words = `差评回访：${body.result}${body.rerating !== undefined ? `，重新评价 ${body.rerating} 星` : ''}${body.note ? `。${body.note}` : ''}`;
      try {
        return { followUp, alert: await d.store.act(alert.id, 'resolve', by, words) };
      } catch (err) {
        // someone resolved it, or it closed, between the read and now: the follow-up stands
        if (err instanceof AlertConflict) return { followUp, alert: err.alert };
        throw err;
      }
    },

    async ofDay(day) {
      const ids = await redis.zrange(rk.ofDay(day), 0, -1);
      if (ids.length === 0) return [];
      const jsons = await redis.mget(...ids.map(rk.followUp));
      return jsons.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as ReviewFollowUp);
    },

    async figures(scope, day) {
      const [bad, followedUp, inTime, reratedSatisfied] = (
        await redis.hmget(
          d.keys.day(scope, day),
          COUNTERS.badRatings,
          COUNTERS.reviewsFollowedUp,
          COUNTERS.reviewsFollowedUpInTime,
          COUNTERS.reviewsReratedSatisfied,
        )
      ).map((v) => Number(v ?? 0)) as [number, number, number, number];
      return { bad, followedUp, inTime, reratedSatisfied, rectificationRate: rectificationRate(inTime, bad) };
    },
  };
}
