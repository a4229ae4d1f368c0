/**
 * The mock's own count of what it sent, by the definitions of docs/metrics.md (the same rules the
 * hub applies), so a test can hold the hub's snapshot against it. Counted per Asia/Shanghai day of
 * the event's `at` and per center; the city is the sum. The counting is the tally's own; the
 * arithmetic of the figures is the hub's (common/figures.ts).
 */
import { addWorkingDays, workingDaysBetween, type WorkCalendar } from '../common/calendar.ts';
import type { YgEvent } from '../common/events.ts';
import { earlyRate, fenOfYuan, meanSec, onTimeRate, ratingFiguresOf, ratio, yuanOfFen } from '../common/figures.ts';
import { dateOfDayIndex, dayIndexOf } from '../common/time.ts';

interface Counts {
  tickets: {
    issued: number;
    called: number;
    started: number;
    finished: number;
    noShow: number;
    transferred: number;
    waitSum: number;
    waitN: number;
    waitOver15: number;
  };
  cases: { accepted: number; completed: number; early: number; onTime: number; returned: number };
  ratings: [number, number, number, number, number];
  portal: { pv: number; visitors: Set<string>; byColumn: Record<string, number> };
  trades: { count: number; fen: number };
  fees: { count: number; fen: number };
  complaints: { filed: number; closed: number };
}

const emptyCounts = (): Counts => ({
  tickets: { issued: 0, called: 0, started: 0, finished: 0, noShow: 0, transferred: 0, waitSum: 0, waitN: 0, waitOver15: 0 },
  cases: { accepted: 0, completed: 0, early: 0, onTime: 0, returned: 0 },
  ratings: [0, 0, 0, 0, 0],
  portal: { pv: 0, visitors: new Set(), byColumn: {} },
  trades: { count: 0, fen: 0 },
  fees: { count: 0, fen: 0 },
  complaints: { filed: 0, closed: 0 },
});

/** What the tally expects a snapshot to show, in the snapshot's shape and units. */
export interface TallyFigures {
  date: string;
  cases: {
    accepted: number;
    completed: number;
    completedEarly: number;
    completedOnTime: number;
    returned: number;
    earlyRate: number | null;
    onTimeRate: number | null;
  };
  tickets: {
    issued: number;
    called: number;
    started: number;
    finished: number;
    noShow: number;
    transferred: number;
    avgWaitSec: number | null;
    shareWaitUnder15Min: number | null;
  };
  ratings: { total: number; byScore: Record<'1' | '2' | '3' | '4' | '5', number>; satisfactionRate: number | null; bad: number };
  portal: { pv: number; uv: number; byColumn: Record<string, number> };
  trades: { count: number; amount: number };
  fees: { count: number; amount: number };
  complaints: { filed: number; closed: number };
}

interface CaseState {
  center: string;
  status: 'open' | 'suspended' | 'done' | 'returned';
  due: number;
  suspDay?: number;
}
interface TicketState {
  issuedAt?: number;
  called?: boolean;
  started?: boolean;
  finished?: boolean;
  noShow?: boolean;
}

export class Tally {
  private readonly days = new Map<number, Map<string, Counts>>();
  private readonly cases = new Map<string, CaseState>();
  private readonly tickets = new Map<string, TicketState>();
  /** Events sent, by type. */
  readonly byType = new Map<string, number>();

  constructor(private readonly calendar: WorkCalendar) {}

  private counts(day: number, center: string): Counts {
    let d = this.days.get(day);
    if (!d) this.days.set(day, (d = new Map()));
    let c = d.get(center);
    if (!c) d.set(center, (c = emptyCounts()));
    return c;
  }

  add(e: YgEvent): void {
    this.byType.set(e.type, (this.byType.get(e.type) ?? 0) + 1);
    const ms = Date.parse(e.at);
    const day = dayIndexOf(ms);
    const c = this.counts(day, e.center);
    switch (e.type) {
      case 'ticket.issued':
      case 'ticket.called':
      case 'ticket.started':
      case 'ticket.finished':
      case 'ticket.noshow':
      case 'ticket.transferred': {
        const key = `${e.center}:${day}:${e.ticket}`;
        let t = this.tickets.get(key);
        if (!t) this.tickets.set(key, (t = {}));
        const k = c.tickets;
        if (e.type === 'ticket.issued') {
          k.issued++;
          t.issuedAt = ms;
        } else if (e.type === 'ticket.called' && !t.called) {
          t.called = true;
          k.called++;
          if (t.issuedAt !== undefined) {
            const sec = Math.round((ms - t.issuedAt) / 1000);
            k.waitSum += sec;
            k.waitN++;
            if (sec >= 15 * 60) k.waitOver15++;
          }
        } else if (e.type === 'ticket.started' && !t.started) {
          t.started = true;
          k.started++;
        } else if (e.type === 'ticket.finished' && !t.finished) {
          t.finished = true;
          k.finished++;
        } else if (e.type === 'ticket.noshow' && !t.noShow) {
          t.noShow = true;
          k.noShow++;
        } else if (e.type === 'ticket.transferred') {
          // back in a queue: waiting from now, called (and counted) again
          k.transferred++;
          this.tickets.set(key, { issuedAt: ms, noShow: t.noShow });
        }
        break;
      }
      case 'case.accepted':
        if (this.cases.has(e.case)) break;
        this.cases.set(e.case, { center: e.center, status: 'open', due: addWorkingDays(this.calendar, day, e.promisedDays) });
        c.cases.accepted++;
        break;
      case 'case.suspended': {
        const s = this.cases.get(e.case);
        if (s?.status === 'open') {
          s.status = 'suspended';
          s.suspDay = day;
        }
        break;
      }
      case 'case.resumed': {
        const s = this.cases.get(e.case);
        if (s?.status === 'suspended') {
          s.due = addWorkingDays(this.calendar, s.due, workingDaysBetween(this.calendar, s.suspDay!, day));
          s.status = 'open';
        }
        break;
      }
      case 'case.completed':
      case 'case.returned': {
        // a completion whose acceptance the hub never got is not counted there either
        const s = this.cases.get(e.case);
        if (!s || (s.status !== 'open' && s.status !== 'suspended')) break;
        const cc = this.counts(day, s.center).cases;
        if (s.status === 'suspended') s.due = addWorkingDays(this.calendar, s.due, workingDaysBetween(this.calendar, s.suspDay!, day));
        if (e.type === 'case.returned') {
          cc.returned++;
          s.status = 'returned';
          break;
        }
        s.status = 'done';
        cc.completed++;
        if (day < s.due) cc.early++;
        if (day <= s.due) cc.onTime++;
        break;
      }
      case 'rating.submitted':
        c.ratings[e.score - 1]!++;
        break;
      case 'portal.hit':
        c.portal.pv++;
        c.portal.visitors.add(e.visitor);
        c.portal.byColumn[e.column] = (c.portal.byColumn[e.column] ?? 0) + 1;
        break;
      case 'trade.closed':
        c.trades.count++;
        c.trades.fen += fenOfYuan(e.amount);
        break;
      case 'fee.collected':
        c.fees.count++;
        c.fees.fen += fenOfYuan(e.amount);
        break;
      case 'complaint.filed':
        c.complaints.filed++;
        break;
      case 'complaint.closed':
        c.complaints.closed++;
        break;
      case 'window.status':
        break;
    }
  }

  /** The figures of a day for the city or one center (`center:<code>`). */
  figures(day: number, scope: 'city' | `center:${string}` = 'city'): TallyFigures {
    const centers = this.days.get(day) ?? new Map<string, Counts>();
    const parts = scope === 'city' ? [...centers.values()] : [centers.get(scope.slice('center:'.length)) ?? emptyCounts()];
    const s = emptyCounts();
    for (const p of parts) {
      for (const k of Object.keys(s.tickets) as (keyof Counts['tickets'])[]) s.tickets[k] += p.tickets[k];
      for (const k of Object.keys(s.cases) as (keyof Counts['cases'])[]) s.cases[k] += p.cases[k];
      p.ratings.forEach((n, i) => {
        s.ratings[i]! += n;
      });
      s.portal.pv += p.portal.pv;
      for (const v of p.portal.visitors) s.portal.visitors.add(v);
      for (const [col, n] of Object.entries(p.portal.byColumn)) s.portal.byColumn[col] = (s.portal.byColumn[col] ?? 0) + n;
      s.trades.count += p.trades.count;
      s.trades.fen += p.trades.fen;
      s.fees.count += p.fees.count;
      s.fees.fen += p.fees.fen;
      s.complaints.filed += p.complaints.filed;
      s.complaints.closed += p.complaints.closed;
    }
    const [r1, r2, r3, r4, r5] = s.ratings;
    const t = s.tickets;
    return {
      date: dateOfDayIndex(day),
      cases: {
        accepted: s.cases.accepted,
        completed: s.cases.completed,
        completedEarly: s.cases.early,
        completedOnTime: s.cases.onTime,
        returned: s.cases.returned,
        earlyRate: earlyRate(s.cases.early, s.cases.completed),
        onTimeRate: onTimeRate(s.cases.onTime, s.cases.completed),
      },
      tickets: {
        issued: t.issued,
        called: t.called,
        started: t.started,
        finished: t.finished,
        noShow: t.noShow,
        transferred: t.transferred,
        avgWaitSec: meanSec(t.waitSum, t.waitN),
        shareWaitUnder15Min: ratio(t.waitN - t.waitOver15, t.waitN),
      },
      ratings: ratingFiguresOf({ '1': r1, '2': r2, '3': r3, '4': r4, '5': r5 }),
      portal: { pv: s.portal.pv, uv: s.portal.visitors.size, byColumn: s.portal.byColumn },
      trades: { count: s.trades.count, amount: yuanOfFen(s.trades.fen) },
      fees: { count: s.fees.count, amount: yuanOfFen(s.fees.fen) },
      complaints: s.complaints,
    };
  }
}
