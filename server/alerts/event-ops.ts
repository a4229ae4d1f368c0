/**
 * Turns an event of the stream into the alert operations the Lua scripts run: arm or disarm a
 * timer, close the alert of a subject whose cause ended, open an alert now, or move a case.
 * Pure (thresholds, calendar and catalog come in), so the rules are read in one place.
 */
import type { Scope } from '../../common/catalog.ts';
import type { AlertRule, CapacityDetail, Severity } from '../../common/alerts.ts';
import { addWorkingDays } from '../../common/calendar.ts';
import type { YgEvent } from '../../common/events.ts';
import { isBadRating } from '../../common/figures.ts';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { AlertConfig } from './alert-config.ts';
import { officeTimeAfter, type OfficeHours } from './office-hours.ts';

const MINUTE_MS = 60_000;

/** What an alert is opened from (the alert's fields before the engine adds id, state, history). */
export interface AlertSpec {
  rule: AlertRule;
  severity: Severity;
  subject: string;
  center: string;
  dept?: string;
  window?: string;
  ticket?: string;
  case?: string;
  source?: string;
  score?: number;
  since: number;
  dueAt?: number;
  scopes: Scope[];
  /** Go one level up when not acknowledged in this time. */
  escalateAfterMs: number;
  /** Close by itself at this time (tickets end with their day). */
  expireAt?: number;
  /** The queue's figures (rule `capacity`, server/alerts/capacity.ts). */
  capacity?: CapacityDetail;
}

export type TimerPayload =
  /**
   * `src`: the source whose event armed it, and whose later event would end it (the queue machine
   * issues and calls a ticket, a window terminal starts and finishes a service and reports the
   * window, the approval system accepts and completes a case): it fires only once that source has
   * reported up to its time (server/alerts/watermarks.ts). Absent in timers armed before.
   */
  | { kind: 'open'; spec: AlertSpec; day?: number; src?: string }
  | { kind: 'escalate'; alert: string; every: number }
  /** `reason`: `day-ended` (a ticket's day) or `expired` (unresolved for the longest an alert lives); absent in older timers. */
  | { kind: 'expire'; alert: string; reason?: 'day-ended' | 'expired' }
  | { kind: 'overdue'; alert: string };

export type CloseReason =
  | 'ticket-called'
  | 'ticket-noshow'
  | 'ticket-transferred'
  | 'service-finished'
  | 'window-reopened'
  | 'source-heard'
  | 'screen-heard'
  | 'queue-drained'
  | 'wait-under-threshold'
  | 'rule-disabled';

export type AlertOp =
  | { op: 'arm'; timer: string; at: number; payload: TimerPayload; ifAbsent?: boolean }
  | { op: 'disarm'; timer: string }
  | { op: 'close'; subject: string; reason: CloseReason }
  | { op: 'open'; spec: AlertSpec }
  /** New figures for the unresolved capacity alert of a subject (server/alerts/capacity.ts). */
  | { op: 'capacity'; subject: string; capacity: CapacityDetail }
  /** An event of a case (`id` the event's, `ms` and `day` its `at`): the engine derives the case again from all of them. */
  | {
      op: 'case';
      kind: 'accepted';
      case: string;
      id: string;
      day: number;
      ms: number;
      promisedDays: number;
      yellowDays: number;
      /** The source of the acceptance: the case's cards wait for it (TimerPayload's `src`). */
      src: string;
      spec: Omit<AlertSpec, 'rule' | 'severity' | 'subject'>;
    }
  | { op: 'case'; kind: 'suspended' | 'resumed' | 'completed' | 'returned'; case: string; id: string; day: number; ms: number };

export interface RuleContext {
  config: AlertConfig;
  catalog: CatalogIndex;
  office: OfficeHours;
}

const wide = (center: string): Scope[] => [`center:${center}`, 'city'];

export function scopesOfAlert(center: string, dept?: string, window?: string): Scope[] {
  return [...(window ? [`window:${window}` as Scope] : []), ...(dept ? [`dept:${dept}` as Scope] : []), ...wide(center)];
}

const endOfDay = (day: number) => startOfDayMs(day + 1);
/**
 * A case number is unique within its center only, so the engine's case state and the subjects of
 * its alerts (`case-red:<center>:<case>`) name the center too; the alert's `case` stays the number.
 */
const caseId = (center: string, caseNo: string) => `${center}:${caseNo}`;

/**
 * The event types some rule watches: ingest copies these to the alert stream, so the engine never
 * reads the portal traffic that is most of the main stream. opsOfEvent answers [] for all others.
 */
export const WATCHED_EVENT_TYPES: ReadonlySet<YgEvent['type']> = new Set<YgEvent['type']>([
  'ticket.issued',
  'ticket.called',
  'ticket.transferred',
  'ticket.noshow',
  'ticket.started',
  'ticket.finished',
  'window.status',
  'case.accepted',
  'case.suspended',
  'case.resumed',
  'case.completed',
  'case.returned',
  'rating.submitted',
]);

export function opsOfEvent(event: YgEvent, ctx: RuleContext): AlertOp[] {
  const ms = Date.parse(event.at);
  const day = dayIndexOf(ms);
  const { center } = event;
  const deptOfWindow = (w: string) => ctx.catalog.windows.get(w)?.dept;
  const escalate = (dept?: string) => ctx.config.thresholdsFor(dept).escalateMinutes * MINUTE_MS;

  const ticketKey = 'ticket' in event ? `${center}:${day}:${event.ticket}` : '';
  const waitSubject = `wait:${ticketKey}`;
  const serviceSubject = `service:${ticketKey}`;
  const end = (subject: string, reason: CloseReason): AlertOp[] => [
    { op: 'disarm', timer: subject },
    { op: 'close', subject, reason },
  ];

  const armWait = (dept: string | undefined): AlertOp => ({
    op: 'arm',
    timer: waitSubject,
    at: ms + ctx.config.thresholdsFor(dept).ticketWaitMinutes * MINUTE_MS,
    payload: {
      kind: 'open',
      day,
      src: event.source,
      spec: {
        rule: 'wait',
        severity: 'yellow',
        subject: waitSubject,
        center,
        ...(dept ? { dept } : {}),
        ticket: (event as { ticket: string }).ticket,
        since: ms,
        scopes: scopesOfAlert(center, dept),
        escalateAfterMs: escalate(dept),
        expireAt: endOfDay(day),
      },
    },
  });

  switch (event.type) {
    case 'ticket.issued':
      return [armWait(event.dept)];
    case 'ticket.called':
      return end(waitSubject, 'ticket-called');
    case 'ticket.transferred':
      // back in a queue: waiting again from now
      return [...end(waitSubject, 'ticket-transferred'), ...end(serviceSubject, 'ticket-transferred'), armWait(deptOfWindow(event.window))];
    case 'ticket.noshow':
      return [...end(waitSubject, 'ticket-noshow'), ...end(serviceSubject, 'ticket-noshow')];
    case 'ticket.started': {
      const dept = deptOfWindow(event.window);
      return [
        ...end(waitSubject, 'ticket-called'),
        {
          op: 'arm',
          timer: serviceSubject,
          at: ms + ctx.config.thresholdsFor(dept).serviceMinutes * MINUTE_MS,
          payload: {
            kind: 'open',
            day,
            src: event.source,
            spec: {
              rule: 'service',
              severity: 'yellow',
              subject: serviceSubject,
              center,
              ...(dept ? { dept } : {}),
              window: event.window,
              ticket: event.ticket,
              since: ms,
              scopes: scopesOfAlert(center, dept, event.window),
              escalateAfterMs: escalate(dept),
              expireAt: endOfDay(day),
            },
          },
        },
      ];
    }
    case 'ticket.finished':
      return end(serviceSubject, 'service-finished');
    case 'window.status': {
      const subject = `window:${event.window}`;
      if (event.status === 'open' || event.status === 'serving') return end(subject, 'window-reopened');
      const idle = ctx.config.thresholdsFor(event.dept).windowIdleMinutes * MINUTE_MS;
      return [
        {
          // closed then paused is still unattended: keep the first timer
          op: 'arm',
          timer: subject,
          ifAbsent: true,
          at: officeTimeAfter(ctx.office, ms, idle),
          payload: {
            kind: 'open',
            src: event.source,
            spec: {
              rule: 'window',
              severity: 'red',
              subject,
              center,
              dept: event.dept,
              window: event.window,
              since: ms,
              scopes: scopesOfAlert(center, event.dept, event.window),
              escalateAfterMs: escalate(event.dept),
            },
          },
        },
      ];
    }
    case 'case.accepted': {
      const t = ctx.config.thresholdsFor(event.dept);
      return [
        {
          op: 'case',
          kind: 'accepted',
          case: caseId(center, event.case),
          id: event.id,
          day,
          ms,
          promisedDays: event.promisedDays,
          yellowDays: t.caseYellowDays,
          src: event.source,
          spec: {
            center,
            dept: event.dept,
            ...(event.window ? { window: event.window } : {}),
            case: event.case,
            since: ms,
            scopes: scopesOfAlert(center, event.dept, event.window),
            escalateAfterMs: t.escalateMinutes * MINUTE_MS,
          },
        },
      ];
    }
    case 'case.suspended':
    case 'case.resumed':
    case 'case.completed':
    case 'case.returned':
      return [{ op: 'case', kind: event.type.slice(5) as 'suspended', case: caseId(center, event.case), id: event.id, day, ms }];
    case 'rating.submitted': {
      if (!isBadRating(event.score)) return [];
      const t = ctx.config.thresholdsFor(event.dept);
      return [
        {
          op: 'open',
          spec: {
            rule: 'review',
            severity: 'yellow',
            subject: `review:${event.id}`,
            center,
            dept: event.dept,
            window: event.window,
            score: event.score,
            ...(event.ticket ? { ticket: event.ticket } : {}),
            ...(event.case ? { case: event.case } : {}),
            since: ms,
            dueAt: endOfDay(addWorkingDays(ctx.office.calendar, day, t.badReviewDays)),
            scopes: scopesOfAlert(center, event.dept, event.window),
            escalateAfterMs: t.escalateMinutes * MINUTE_MS,
          },
        },
      ];
    }
    default:
      return [];
  }
}
