/**
 * The screen-offline rule: a wall screen not heard for 5 office minutes gets a yellow alert for the
 * IT staff (docs/alerts.md, docs/screens.md#the-fleet); it closes when the screen reports again.
 * Like source silence (source-silence.ts): one hash read per tick, the fleet's `fleetScreens`
 * (written by server/screens/fleet-store.ts), and the engine's own open/close operations, so the
 * alert is stored, counted, notified and escalated like any other.
 */
import type { Alert } from '../../common/alerts.ts';
import type { Scope } from '../../common/catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { AlertOp, RuleContext } from './event-ops.ts';
import { officeMsBetween } from './office-hours.ts';
import { unattendedSince } from './timer-decision.ts';

/** The "silent for 5 minutes during office hours". */
export const SCREEN_SILENT_MS = 5 * 60_000;

/** The part of a fleet record this rule reads. */
interface SeenScreen {
  lastSeen: number;
  report?: { scopes?: unknown };
}

/** The center a screen shows (its first center, department or window scope), or null for the city. */
function centerOf(scopes: unknown, rules: RuleContext): string | null {
  if (!Array.isArray(scopes)) return null;
  for (const s of scopes) {
    if (typeof s !== 'string') continue;
    const [kind, code] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
    if (kind === 'center' && rules.catalog.catalog.centers.some((c) => c.code === code)) return code;
    if (kind === 'dept') {
      const d = rules.catalog.departments.get(code);
      if (d) return d.center;
    }
    if (kind === 'window') {
      const w = rules.catalog.windows.get(code);
      if (w) return w.center;
    }
  }
  return null;
}

export async function screenSilenceOps(redis: RedisClient, keys: RedisKeys, rules: RuleContext, now: number): Promise<AlertOp[]> {
  const seen = await redis.hgetall(keys.fleetScreens);
  const ids = Object.keys(seen);
  if (ids.length === 0) return [];
  const active = await redis.hmget(keys.alertActive, ...ids.map((id) => `screen:${id}`));
  const city = rules.catalog.catalog.centers.find((c) => c.level === 'city')?.code ?? 'yiyang';
  const ops: AlertOp[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let record: SeenScreen;
    try {
      record = JSON.parse(seen[id]!) as SeenScreen;
    } catch {
      continue;
    }
    const last = Number(record.lastSeen);
    if (!Number.isFinite(last)) continue;
    const subject = `screen:${id}`;
    const activeId = active[i];
    if (activeId) {
      const json = await redis.get(keys.alert(activeId));
      const alert = json ? (JSON.parse(json) as Alert) : null;
      if (alert && last > alert.since) ops.push({ op: 'close', subject, reason: 'screen-heard' });
      continue;
    }
    if (officeMsBetween(rules.office, unattendedSince(last, now), now) < SCREEN_SILENT_MS) continue;
    const center = centerOf(record.report?.scopes, rules);
    const scopes: Scope[] = center && center !== city ? [`center:${center}`, 'city'] : ['city'];
    ops.push({
      op: 'open',
      spec: {
        rule: 'screen-offline',
        severity: 'yellow',
        subject,
        center: center ?? city,
        since: last,
        scopes,
        escalateAfterMs: rules.config.thresholdsFor(null).escalateMinutes * 60_000,
      },
    });
  }
  return ops;
}
