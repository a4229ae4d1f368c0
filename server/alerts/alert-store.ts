/**
 * Reads and acts on alerts: one alert, a filtered list from the narrowest index (a department's,
 * the unresolved set, or all by opening time), and the acknowledge / resolve / escalate steps,
 * whose atomic script also writes the audit entry.
 */
import { ALERT_RULES, ALERT_STATES, compareAlerts, isUnresolved, type Alert, type AlertMessage, type AlertRule, type AlertState, type Severity } from '../../common/alerts.ts';
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

export type ActResult =
  | { status: 'ok'; alert: Alert }
  | { status: 'missing' }
  | { status: 'conflict'; reason: string; alert: Alert };

export interface AlertStore {
  get(id: string): Promise<Alert | null>;
  list(filter: AlertFilter): Promise<Alert[]>;
  act(id: string, action: AlertActionName, by: { username: string; ip: string }, note: string, seenLevel?: number): Promise<ActResult>;
}

/** Fills what Lua's JSON leaves out (absent instead of null). */
export function normalizeAlert(raw: Alert): Alert {
  return { ...raw, dept: raw.dept ?? null, window: raw.window ?? null, history: Array.isArray(raw.history) ? raw.history : [] };
}

export function parseStates(raw: string | undefined): AlertState[] | undefined {
  if (!raw) return undefined;
  const out = new Set<AlertState>();
  for (const s of raw.split(',')) {
    if (s === 'active') { out.add('open'); out.add('acknowledged'); }
    else if ((ALERT_STATES as readonly string[]).includes(s)) out.add(s as AlertState);
    else return undefined;
  }
  return [...out];
}
export const isRule = (r: string): r is AlertRule => (ALERT_RULES as readonly string[]).includes(r);

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
      const alerts = (await load([...ids])).filter((a) =>
        (!f.states || f.states.includes(a.state)) && (!f.rule || a.rule === f.rule) && (!f.severity || a.severity === f.severity) && (!f.window || a.window === f.window));
      alerts.sort(onlyUnresolved ? compareAlerts : (a, b) => b.openedAt - a.openedAt);
      return alerts.slice(0, limit);
    },
    async act(id, action, by, note, seenLevel) {
      const result = parseScriptResult(await redis.ygAlertTransition(keys.prefix, now(), id, action, by.username, note, seenLevel ?? '', by.ip));
      if (result.messages?.length) onMessages(result.messages);
      if (result.status === 'ok' && result.alert) return { status: 'ok', alert: normalizeAlert(result.alert) };
      if (result.status === 'conflict' && result.alert) return { status: 'conflict', reason: result.reason ?? 'state', alert: normalizeAlert(result.alert) };
      return { status: 'missing' };
    },
  };
}
