/**
 * The case figures of docs/metrics.md computed in plain TypeScript from a set of case events, in
 * time order, without Redis: the reference the hub's figures are held to whatever order the
 * events arrived in. Written from the definitions, not from the aggregation script.
 */
import { addWorkingDays, workingDaysBetween, type WorkCalendar } from '../../common/calendar.ts';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';

export interface CaseEvent {
  id: string;
  type: 'case.accepted' | 'case.suspended' | 'case.resumed' | 'case.completed' | 'case.returned';
  at: string;
  center: string;
  case: string;
  dept?: string;
  promisedDays?: number;
}

export interface CaseDayFigures {
  accepted: number;
  completed: number;
  completedEarly: number;
  completedOnTime: number;
  overdueCompleted: number;
  returned: number;
}
interface Life {
  scopes: string[];
  acceptedDay: number;
  closedDay: number | null;
  suspendedNow: boolean;
  due: number;
}

const RANK: Record<CaseEvent['type'], number> = { 'case.accepted': 1, 'case.suspended': 2, 'case.resumed': 3, 'case.completed': 4, 'case.returned': 4 };
/** Time order; at the same instant acceptance, suspension, resumption, closing; then the id's bytes. */
export function timeOrder(a: CaseEvent, b: CaseEvent): number {
  return Date.parse(a.at) - Date.parse(b.at) || RANK[a.type] - RANK[b.type] || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
}

export class CaseReference {
  private readonly days = new Map<string, CaseDayFigures>(); // `${scope}|${day}`
  private readonly lives: Life[] = [];

  constructor(private readonly calendar: WorkCalendar) {}

  private figures(scope: string, day: number): CaseDayFigures {
    const key = `${scope}|${day}`;
    let f = this.days.get(key);
    if (!f) this.days.set(key, (f = { accepted: 0, completed: 0, completedEarly: 0, completedOnTime: 0, overdueCompleted: 0, returned: 0 }));
    return f;
  }

  /** One case's events, in any order. */
  addCase(events: CaseEvent[]): void {
    const life = [...events].sort(timeOrder);
    // the first acceptance counts; a later one is a repeat
    const accepted = life.find((e) => e.type === 'case.accepted');
    if (!accepted) return;
    const acceptedDay = dayIndexOf(Date.parse(accepted.at));
    // the first completion or return closes the case (one stamped before the acceptance too)
    const closing = life.find((e) => e.type === 'case.completed' || e.type === 'case.returned');
    const closedDay = closing ? dayIndexOf(Date.parse(closing.at)) : null;
    // working days spent suspended between acceptance and closing: from a suspension up to (not
    // including) the resumption, or the closing when it closed while suspended
    let suspendedSince: number | null = null;
    let suspendedDays = 0;
    // (a case closed before its acceptance is closed from the moment it is accepted)
    const closedFirst = closing !== undefined && life.indexOf(closing) < life.indexOf(accepted);
    for (const e of closedFirst ? [] : life.slice(life.indexOf(accepted) + 1)) {
      if (e === closing) break;
      const day = dayIndexOf(Date.parse(e.at));
      if (e.type === 'case.suspended' && suspendedSince === null) suspendedSince = day;
      if (e.type === 'case.resumed' && suspendedSince !== null) {
        suspendedDays += workingDaysBetween(this.calendar, suspendedSince, day);
        suspendedSince = null;
      }
    }
    if (closing && suspendedSince !== null) {
      suspendedDays += workingDaysBetween(this.calendar, suspendedSince, closedDay!);
      suspendedSince = null;
    }
    const due = addWorkingDays(this.calendar, addWorkingDays(this.calendar, acceptedDay, accepted.promisedDays!), suspendedDays);
    const scopes = [`dept:${accepted.dept}`, `center:${accepted.center}`, 'city'];
    for (const s of scopes) {
      this.figures(s, acceptedDay).accepted++;
      if (!closing) continue;
      const f = this.figures(s, closedDay!);
      if (closing.type === 'case.returned') {
        f.returned++;
        continue;
      }
      f.completed++;
      if (closedDay! < due) f.completedEarly++;
      if (closedDay! <= due) f.completedOnTime++;
      else f.overdueCompleted++;
    }
    this.lives.push({ scopes, acceptedDay, closedDay, suspendedNow: suspendedSince !== null, due });
  }

  /** The snapshot's `cases` of a scope on a day, the hub's clock standing at `now` (today). */
  snapshotCases(scope: string, day: number, now: number) {
    const f = this.days.get(`${scope}|${day}`) ?? this.figures(scope, day);
    const isToday = day === dayIndexOf(now);
    const mine = this.lives.filter((l) => l.scopes.includes(scope));
    // open, not suspended, and past the end of its due date
    const overdueOpen = isToday ? mine.filter((l) => l.closedDay === null && !l.suspendedNow && startOfDayMs(l.due + 1) < now).length : 0;
    // accepted by the end of the day and not yet closed then
    const inProgress = mine.filter((l) => l.acceptedDay <= day && (l.closedDay === null || l.closedDay > day)).length;
    return {
      accepted: f.accepted,
      completed: f.completed,
      completedEarly: f.completedEarly,
      completedOnTime: f.completedOnTime,
      overdue: f.overdueCompleted + overdueOpen,
      overdueOpen,
      returned: f.returned,
      inProgress,
      earlyRate: f.completed > 0 ? f.completedEarly / f.completed : null,
      onTimeRate: f.completed > 0 ? f.completedOnTime / f.completed : null,
    };
  }
}
