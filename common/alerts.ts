/**
 * The alert contract (docs/alerts.md) shared by the hub and the supervisor console:
 * the alert shape of GET /api/v1/alerts and the Socket.IO namespace `/alerts`.
 */
import type { Scope } from './catalog.ts';

export const ALERTS_NAMESPACE = '/alerts';

export const ALERT_RULES = ['case-yellow', 'case-red', 'wait', 'service', 'window', 'review', 'source', 'screen-offline', 'capacity'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** The zh-CN name of each rule, as the console, the messages and the reports show it. */
export const ALERT_RULE_NAMES: Record<AlertRule, string> = {
  'case-yellow': '办件临期（黄牌）',
  'case-red': '办件超期（红牌）',
  wait: '等候超时',
  service: '办理超时',
  window: '窗口无人值守',
  review: '差评整改',
  source: '数据源离线',
  'screen-offline': '屏幕离线',
  capacity: '增开窗口建议',
};

/** The name without its card colour (办件超期), for a text that names the card already. */
export const alertRuleShortName = (rule: AlertRule): string => ALERT_RULE_NAMES[rule].replace(/（[^）]*）$/, '');

export const ALERT_STATES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
/** `closed`: ended by itself because its cause ended (ticket called, case completed …). */
export type AlertState = (typeof ALERT_STATES)[number];

export type Severity = 'yellow' | 'red';

/** 0 the department's supervisor, 1 the center's management, 2 the city (电子监察). */
export const MAX_ALERT_LEVEL = 2;

export type AlertAction = 'opened' | 'acknowledged' | 'resolved' | 'escalated' | 'overdue' | 'closed';

export interface AlertStep {
  at: number;
  action: AlertAction;
  /** A user name, or `system` for what the engine did. */
  by: string;
  note?: string;
  /** Why it closed by itself: ticket-called, case-completed, superseded, day-ended, expired (unresolved 180 days) … */
  reason?: string;
  /** Level after an escalation. */
  level?: number;
}

export interface Alert {
  id: string;
  rule: AlertRule;
  severity: Severity;
  state: AlertState;
  level: number;
  /** What it is about, unique among unresolved alerts: `case-red:<center>:<case>`, `wait:<center>:<day>:<ticket>` … */
  subject: string;
  center: string;
  dept: string | null;
  window: string | null;
  ticket?: string;
  case?: string;
  source?: string;
  /** Stars of the review (rule `review`). */
  score?: number;
  /** When the cause began: ticket issued, service started, window closed, case accepted, source last heard. */
  since: number;
  /** The deadline behind it: the case's deadline, the review follow-up's due time. */
  dueAt?: number;
  /** The queue as the capacity rule saw it (rule `capacity`), as of its last change. */
  capacity?: CapacityDetail;
  openedAt: number;
  updatedAt: number;
  scopes: Scope[];
  history: AlertStep[];
}

/** `updated`: the capacity rule's figures changed (no history step: nobody acted). */
export type AlertChange = AlertAction | 'severity' | 'updated';

/**
 * What the capacity rule (增开窗口建议, docs/alerts.md#capacity) saw in a department's queue: the
 * inputs of its queueing model and its advice. Minutes and counts; `expectedWaitMinutes` null when
 * the arrivals outrun the open windows (the wait grows without bound).
 */
export interface CapacityDetail {
  /** When the figures were taken (hub clock, epoch ms). */
  at: number;
  waiting: number;
  /** Windows of the department open or serving. */
  openWindows: number;
  /** Windows of the department that could be opened (closed, paused, not reported). */
  closedWindows: number;
  /** Mean service time used (today's, leaning on the recent days' early in the day). */
  serviceMinutes: number;
  /** Tickets issued per hour over the last 30 minutes. */
  arrivalsPerHour: number;
  expectedWaitMinutes: number | null;
  /** The department's wait threshold the wait is compared with. */
  thresholdMinutes: number;
  /** The fewest extra windows for which the expected wait is under the threshold. */
  windowsToOpen: number;
}

export interface AlertMessage {
  alert: Alert;
  change: AlertChange;
}

export interface AlertsServerToClientEvents {
  /** An alert of a department the user may see opened or changed. */
  alert: (msg: AlertMessage) => void;
}

export interface AlertsClientToServerEvents {
  /** Nothing to ask: the rooms follow the signed-in user. Kept for the typed socket. */
  ping: (ack: (res: { ok: true }) => void) => void;
}

/** Unresolved = open or acknowledged: what the counts and the console's live list show. */
export function isUnresolved(state: AlertState): boolean {
  return state === 'open' || state === 'acknowledged';
}

/** Severity first (red before yellow), then newest first. */
export function compareAlerts(a: Alert, b: Alert): number {
  if (a.severity !== b.severity) return a.severity === 'red' ? -1 : 1;
  return b.openedAt - a.openedAt;
}

/**
 * Why an action on an alert was refused (409 `{ ok: false, code, error, alert }`, with the alert as
 * it is now): someone acted first. The console words each code itself (zh-CN,
 * screens/supervisor/model/labels.ts); `error` is the English text for other clients.
 */
export const ALERT_CONFLICT_CODES = [
  /** acknowledge: it is no longer open */
  'already-acknowledged',
  /** any action: someone resolved it */
  'already-resolved',
  /** any action: it closed by itself, its cause ended */
  'already-closed',
  /** escalate: it is no longer at the level the user saw */
  'level-changed',
  /** escalate: it is at the highest level already */
  'top-level',
] as const;
export type AlertConflictCode = (typeof ALERT_CONFLICT_CODES)[number];

/** Who last took this step on the alert (the one who acknowledged, resolved …), if anyone. */
export function lastActor(alert: Alert, action: AlertAction): string | undefined {
  return [...alert.history].reverse().find((s) => s.action === action)?.by;
}
