/**
 * Reads and acts on alerts: one alert, a filtered list from the narrowest index (a department's,
 * the unresolved set, or all by opening time), and the acknowledge / resolve / escalate steps,
 * whose atomic script also writes the audit entry.
 */
import {
  compareAlerts,
  isUnresolved,
  lastActor,
  type Alert,
  type AlertConflictCode,
  type AlertMessage,
  type AlertRule,
  type AlertState,
  type Severity,
} from '../../common/alerts.ts';
import { Conflict, NotFound } from '../domain-errors.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { parseScriptResult, type AlertRedis } from './alert-scripts.ts';

export interface AlertFilter {
  states?: AlertState[];
  /** Only these departments (null: all, including alerts of no department such as a silent source). */
  depts: string[] | null;
  rule?: AlertRule;
  severity?: Severity;
  window?: string;
  /** Opened in [from, to). */
  from?: number;
  to?: number;
  /** @default 200 */
  limit?: number;
}

export type AlertActionName = 'ack' | 'resolve' | 'escalate';

/** Someone acted first: 409 with the code, and the alert as it is now. */
export class AlertConflict extends Conflict<AlertConflictCode> {
  override name = 'AlertConflict';
  constructor(
    code: AlertConflictCode,
    readonly alert: Alert,
  ) {
    super(code, CONFLICT_TEXT[code](alert), { alert });
  }
}

/** The action script's reasons (server/alerts/lua/alert-act.lua), as the API's codes. */
const CODE_OF_REASON: Record<string, AlertConflictCode> = {
  acknowledged: 'already-acknowledged',
  resolved: 'already-resolved',
  closed: 'already-closed',
  level: 'level-changed',
  'top-level': 'top-level',
};

/** The English text of each code, for clients other than the console. */
const CONFLICT_TEXT: Record<AlertConflictCode, (a: Alert) => string> = {
  'already-acknowledged': (a) => `already acknowledged by ${lastActor(a, 'acknowledged') ?? 'someone'}`,
  'already-resolved': (a) => `already resolved by ${lastActor(a, 'resolved') ?? 'someone'}`,
  'already-closed': () => 'already closed: its cause ended',
  'level-changed': (a) => `someone escalated it meanwhile; it is now at level ${a.level}`,
  'top-level': () => 'it is already at the highest level',
};

export interface AlertStore {
  get(id: string): Promise<Alert | null>;
  list(filter: AlertFilter): Promise<Alert[]>;
  /** The alert after the action; NotFound, or AlertConflict when someone acted first. */
  act(id: string, action: AlertActionName, by: { username: string; ip: string }, note: string, seenLevel?: number): Promise<Alert>;
}

/** Fills what Lua's JSON leaves out (absent instead of null). */
export function normalizeAlert(raw: Alert): Alert {
  return { ...raw, dept: raw.dept ?? null, window: raw.window ?? null, history: Array.isArray(raw.history) ? raw.history : [] };
}

export function createAlertStore(redis: AlertRedis, keys: RedisKeys, now: () => number, onMessages: (m: AlertMessage[]) => void): AlertStore {
  async function load(ids: string[]): Promise<Alert[]> {
    if (ids.length === 0) return [];
    const jsons = await redis.mget(...ids.map(keys.alert));
    return jsons.filter((j): j is string => j !== null).map((j) => normalizeAlert(JSON.parse(j) as Alert));
  }
  return {
    async get(id) {
      return (await load([id]))[0] ?? null;
    },
    async list(f) {
      const limit = Math.min(Math.max(f.limit ?? 200, 1), 1000);
      const onlyUnresolved = f.states !== undefined && f.states.every(isUnresolved);
      const indexes = f.depts ? f.depts.map(keys.alertsOfDept) : [onlyUnresolved ? keys.alertsUnresolved : keys.alertsAll];
      const max = f.to !== undefined ? `(${f.to}` : '+inf';
      const min = f.from ?? '-inf';
      // unresolved alerts are few; history is read newest first up to a bound
      const scan = onlyUnresolved && !f.depts ? 10_000 : Math.max(limit * 5, 1000);
      const ids = new Set<string>();
      for (const key of indexes) for (const id of await redis.zrevrangebyscore(key, max, min, 'LIMIT', 0, scan)) ids.add(id);
      const alerts = (await load([...ids])).filter(
        (a) =>
          (!f.states || f.states.includes(a.state)) &&
          (!f.rule || a.rule === f.rule) &&
          (!f.severity || a.severity === f.severity) &&
          (!f.window || a.window === f.window),
      );
      alerts.sort(onlyUnresolved ? compareAlerts : (a, b) => b.openedAt - a.openedAt);
      return alerts.slice(0, limit);
    },
    async act(id, action, by, note, seenLevel) {
      const result = parseScriptResult(await redis.ygAlertTransition(keys.prefix, now(), id, action, by.username, note, seenLevel ?? '', by.ip));
      if (result.messages?.length) onMessages(result.messages);
      if (result.status === 'ok' && result.alert) return normalizeAlert(result.alert);
      if (result.status === 'conflict' && result.alert) {
        const code = CODE_OF_REASON[result.reason ?? ''];
        if (!code) throw new Error(`the alert transition answered an unknown conflict "${result.reason}"`);
        throw new AlertConflict(code, normalizeAlert(result.alert));
      }
      throw new NotFound('no such alert');
    },
  };
}
