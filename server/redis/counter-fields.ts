/**
 * Every counter field the aggregates hold, named once. The TypeScript reads them through these
 * tables; the Lua scripts receive them from here as a prelude (`counterFieldsLua`, put before
 * each aggregation script by scripts.ts) and write `C.accepted`, never `'acc'`
 * (test/hub/counter-fields.test.ts fails on a counter field written as a literal in any Lua file).
 *
 * The stored names are short because they are in every hash and in every hour and minute bucket
 * (`acc|09`, `acc|0545`). Renaming one orphans what Redis holds under the old name: the names are
 * data, pinned by the same test. What each figure made from them means: docs/metrics.md.
 */
import { BAD_RATING_MAX_SCORE, WAIT_BUCKET_SEC } from '../../common/figures.ts';

/**
 * Fields of a scope's day hash (`agg:<scope>:<day>`, server/redis/keys.ts). *Timed*: also counted
 * per hour (`aggh:`, field `<name>|HH`) and per minute of the day (`aggm:`, field `<name>|MMMM`).
 */
export const COUNTERS = {
  // Cases (countOutcome, server/aggregate/case-events.lua), in the scopes of their acceptance.
  /** Cases whose first acceptance is on the day. Timed. */
  accepted: 'acc',
  /** Cases closed by a completion on the day. Timed. */
  completed: 'done',
  /** Of those, completed on a date before their due date. */
  completedEarly: 'early',
  /** Of those, completed on or before their due date (early ones included). */
  completedOnTime: 'ontime',
  /** Of those, completed after their due date. */
  completedOverdue: 'overdue',
  /** Cases closed by a return on the day. */
  returned: 'returned',
  /** Cases accepted minus cases closed on the day: walks the open-case gauge back to a past day. */
  casesNet: 'net',

  // Tickets (ticketHandlers, server/aggregate/event-handlers.lua).
  /** Tickets issued (once per ticket), in the department's scopes. Timed. */
  issued: 'iss',
  /** Tickets called for the first time (again after a transfer). Timed. */
  called: 'call',
  /** Tickets in a queue: +1 at issue or transfer, −1 at the first call; a running balance per day. */
  waiting: 'wait',
  /** Tickets whose service started (once per ticket, again after a transfer). */
  started: 'start',
  /** Tickets finished (once per ticket, again after a transfer). Timed. */
  finished: 'fin',
  /** Tickets whose holder did not come (once per ticket). */
  noShow: 'noshow',
  /** Transfers of a ticket to another queue. */
  transferred: 'transfer',
  /** Sum of the waits (call − issue, whole seconds, a negative wait as 0) that became known on the day. */
  waitSumSec: 'waitSum',
  /** Number of the waits in `waitSumSec`. */
  waitCount: 'waitN',
  /** Sum of the services (finish − start, whole seconds). */
  serviceSumSec: 'svcSum',
  /** Number of the services in `serviceSumSec`. */
  serviceCount: 'svcN',
  /** Seconds a window was open or serving, each stretch on the day it ended (window scope only). */
  windowOpenSec: 'openSec',

  // Ratings (handlers['rating.submitted']).
  /** Ratings of 1 star. */
  rated1: 'r1',
  /** Ratings of 2 stars. */
  rated2: 'r2',
  /** Ratings of 3 stars. */
  rated3: 'r3',
  /** Ratings of 4 stars. */
  rated4: 'r4',
  /** Ratings of 5 stars. */
  rated5: 'r5',
  /** All ratings (the sum of r1 … r5, kept for trends). Timed. */
  ratings: 'rt',
  /** Bad ratings: `BAD_RATING_MAX_SCORE` stars or fewer (common/figures.ts). Timed. */
  badRatings: 'bad',

  // Visits and their cases (the join key: visit-join.lua, server/aggregate/; docs/metrics.md).
  /** Sum of the waits (whole seconds) of the visits that ended in a case (a `case.accepted` names their ticket). */
  waitCaseSumSec: 'wcSum',
  /** Number of the waits in `waitCaseSumSec`. */
  waitCaseCount: 'wcN',
  /** Sum of the waits of the visits finished without a case (so far: moved to `waitCaseSumSec` when one comes the same day). */
  waitNoCaseSumSec: 'wnSum',
  /** Number of the waits in `waitNoCaseSumSec`. */
  waitNoCaseCount: 'wnN',

  // Complaints, portal, trading, fees.
  /** `complaint.filed` events. */
  complaintsFiled: 'cpF',
  /** `complaint.closed` events. */
  complaintsClosed: 'cpC',
  /** Portal page views (`portal.hit`). Timed. */
  portalViews: 'pv',
  /** Trades closed. Timed. */
  trades: 'trN',
  /** Sum of the trades' amounts, in fen. */
  tradesFen: 'trAmt',
  /** Fees collected. Timed; also in the month hash (`aggmo:`). */
  fees: 'feeN',
  /** Sum of the fees, in fen; also in the month hash. */
  feesFen: 'feeAmt',

  // Written by the alert engine (countRaised, server/alerts/lua/alert-core.lua), not by aggregation.
  /** Alerts raised on the day. */
  alertsRaised: 'alN',
  /** Yellow cards raised on the day. */
  alertsRaisedYellow: 'alY',
  /** Cards that turned red on the day (raised red, or a bad-review follow-up gone overdue). */
  alertsRaisedRed: 'alR',

  // Written by a bad review's follow-up (差评整改, server/reviews/lua/review-follow-up.lua), in the
  // scopes and on the day of the review, not of the follow-up: a day's 整改率 is about its own reviews.
  /** Bad reviews of the day followed up (once each). */
  reviewsFollowedUp: 'fu',
  /** Of those, followed up by the end of their due working day. */
  reviewsFollowedUpInTime: 'fuOk',
  /** Of those, re-rated 3 stars or more at the follow-up (基本满意 and better). */
  reviewsReratedSatisfied: 'fuSat',
} as const;

/** Families of day-hash fields: one field per key, `<prefix><key>`. */
export const COUNTER_FAMILIES = {
  /** Tickets whose wait fell in minute n of waiting (n = 0 … 240, the last for every longer wait). */
  waitMinute: 'wh:',
  /** Portal page views of a column. */
  portalColumn: 'col:',
  /** Trades of a category; also in the month hash. */
  tradesOfCategory: 'trN:',
  /** Sum of the trades of a category, in fen; also in the month hash. */
  tradesFenOfCategory: 'trAmt:',
  /** Ratings joined to a case of an item (by the rating's `case`, or the case accepted from its `ticket`), by item. */
  ratedOfItem: 'ri:',
  /** Of those, bad ratings, by item. */
  badOfItem: 'rib:',
  /** Cases whose first acceptance is on the day, by item (in the case's scopes). */
  acceptedOfItem: 'accI:',
  /** Cases closed by a return (退件) on the day, by item. */
  returnedOfItem: 'retI:',
} as const;

/** Fields of a scope's gauge hash (`gauge:<scope>`), which is not per day. */
export const GAUGES = {
  /** Cases accepted and not yet closed, now (+1 accepted, −1 closed). */
  openCases: 'open',
} as const;

/**
 * Fields of a scope's open-alert counts (`alerts:count:<scope>`), kept by the alert engine
 * (countDelta, server/alerts/lua/alert-core.lua; the severity fields are the severities' names).
 */
export const ALERT_COUNTS = {
  /** Alerts unresolved now (open or acknowledged). */
  open: 'open',
  /** Of those, yellow. */
  yellow: 'yellow',
  /** Of those, red. */
  red: 'red',
} as const;

export type CounterField = (typeof COUNTERS)[keyof typeof COUNTERS];

/** Between a timed counter's name and its bucket: `acc|09` (hour), `acc|0545` (minute of day). */
export const BUCKET_SEPARATOR = '|';
/** An hour's bucket: two digits. */
export const hourBucket = (hour: number): string => String(hour).padStart(2, '0');
/** A minute of the day's bucket: four digits. */
export const minuteBucket = (minuteOfDay: number): string => String(minuteOfDay).padStart(4, '0');
/** A timed counter's field in the hour hash. */
export const hourField = (field: string, hour: number): string => `${field}${BUCKET_SEPARATOR}${hourBucket(hour)}`;
/** A timed counter's field in the minute hash. */
export const minuteField = (field: string, minuteOfDay: number): string => `${field}${BUCKET_SEPARATOR}${minuteBucket(minuteOfDay)}`;

/**
 * The Lua prelude of the scripts: the tables above as one Lua table `C`, so that the scripts name
 * every counter by what it counts and TypeScript and Lua cannot disagree on a name; and `COUNTING`:
 * the bucket separator and the two definitions the counting follows (common/figures.ts), the width
 * of a wait-histogram bucket and the most stars of a bad rating.
 */
export function counterFieldsLua(): string {
  const entries = [COUNTERS, COUNTER_FAMILIES, GAUGES].flatMap((table) => Object.entries(table));
  const names = new Set<string>();
  for (const [name, field] of entries) {
    if (!/^[A-Za-z_]\w*$/.test(name) || !/^[\w:]+$/.test(field)) throw new Error(`counter ${name} = ${field}: not a plain name`);
    if (names.has(name)) throw new Error(`counter ${name} is named twice`);
    names.add(name);
  }
  return [
    `local C = { ${entries.map(([name, field]) => `${name} = '${field}'`).join(', ')} }`,
    `local COUNTING = { BUCKET_SEPARATOR = '${BUCKET_SEPARATOR}', WAIT_BUCKET_SEC = ${WAIT_BUCKET_SEC}, BAD_RATING_MAX_SCORE = ${BAD_RATING_MAX_SCORE} }`,
  ].join('\n');
}
