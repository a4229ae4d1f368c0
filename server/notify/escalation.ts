/**
 * The chain of one alert (分级督办): when it opens, the matching routes' contacts and the roster's
 * level-1 people are told; not acknowledged within the level's minutes, the next level's people
 * (new ones only) are told, and so on. Acknowledging, resolving or closing stops the chain; a
 * person's 上报 moves it on at once. Each alert change is reported by the one process whose
 * script made it, so each chain starts once; the level steps are claimed with a lease.
 */
import type { Logger } from 'pino';
import type { Alert, AlertMessage } from '../../common/alerts.ts';
import type { NotifyConfig } from '../../common/notify.ts';
import { channelOf, contactOf, GROUP_CONTACT } from '../../common/notify.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { isGroupChannel } from './channels/index.ts';
import { messageOf } from './message.ts';
import type { NewDelivery, Outbox } from './outbox.ts';
import { NOTIFY_KEEP_MS, type NotifyKeys, type OutboxRedis } from './outbox-store.ts';
import { levelWaitMs, matchingRoutes, nextLevel, type LevelPlan } from './routing.ts';

export interface EscalationOptions {
  redis: OutboxRedis;
  keys: NotifyKeys;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  config: () => NotifyConfig;
  publicUrl: () => string;
  outbox: Outbox;
  getAlert: (id: string) => Promise<Alert | null>;
  /** @default 2 min */
  leaseMs?: number;
}

export interface Escalation {
  onMessages(messages: AlertMessage[]): Promise<void>;
  /** Moves the chains whose level is due. */
  work(): Promise<number>;
}

export function createEscalation(o: EscalationOptions): Escalation {
  const { redis, keys, now } = o;
  const leaseMs = o.leaseMs ?? 120_000;

  function deliveriesOf(a: Alert, plan: LevelPlan): NewDelivery[] {
    const config = o.config();
    const levelName = config.levels[plan.level - 1]?.name ?? `第${plan.level}级`;
    const message = messageOf(a, plan.level, levelName, o.catalog, o.publicUrl());
    const out: NewDelivery[] = [];
    // a group robot or a webhook is one destination: one message for all of this level's people on it
    const groups = new Map<string, string[]>();
    for (const contact of plan.contacts)
      for (const channel of contactOf(config, contact)?.channels ?? []) {
        const ch = channelOf(config, channel);
        if (ch && isGroupChannel(ch)) groups.set(channel, [...(groups.get(channel) ?? []), contact]);
        else out.push({ alertId: a.id, level: plan.level, contact, channel, message });
      }
    for (const [channel, contacts] of groups) out.push({ alertId: a.id, level: plan.level, contact: GROUP_CONTACT, contacts, channel, message });
    return out;
  }

  /** Tells the plan's people and sets when the next level is due (none: the chain ends). */
  async function tell(a: Alert, plan: LevelPlan, told: Set<string>, escalate: boolean): Promise<number | null> {
    await o.outbox.enqueue(deliveriesOf(a, plan));
    for (const c of plan.contacts) told.add(c);
    await redis.hset(keys.chain(a.id), 'level', plan.level, 'told', JSON.stringify([...told]));
    await redis.pexpire(keys.chain(a.id), NOTIFY_KEEP_MS);
    const wait = escalate ? levelWaitMs(o.config(), plan.level) : null;
    return wait === null ? null : now() + wait;
  }

  async function start(a: Alert): Promise<void> {
    const config = o.config();
    const routes = matchingRoutes(config, a);
    if (routes.length === 0) return;
    const plan = nextLevel(config, a, routes, 1, new Set(), now());
    if (!plan) return;
    const next = await tell(
      a,
      plan,
      new Set(),
      routes.some((r) => r.escalate),
    );
    if (next !== null) await redis.zadd(keys.escalations, next, a.id);
  }

  /** The next level of one chain; the time after that, or null when it ends. */
  async function step(id: string): Promise<number | null> {
    const a = await o.getAlert(id);
    if (!a || a.state !== 'open') return null;
    const chain = await redis.hgetall(keys.chain(id));
    const told = new Set<string>(chain.told ? (JSON.parse(chain.told) as string[]) : []);
    const config = o.config();
    const routes = matchingRoutes(config, a);
    if (routes.length === 0 || !routes.some((r) => r.escalate)) return null;
    const plan = nextLevel(config, a, routes, Number(chain.level ?? 1) + 1, told, now());
    return plan ? tell(a, plan, told, true) : null;
  }

  return {
    async onMessages(messages) {
      for (const { alert, change } of messages) {
        try {
          if (change === 'opened' && alert.state === 'open') await start(alert);
          else if (change === 'acknowledged' || change === 'resolved' || change === 'closed') await redis.zrem(keys.escalations, alert.id);
          // 上报 by a person: the next level now, if the chain is still running
          else if (change === 'escalated' && alert.state === 'open') await redis.zadd(keys.escalations, 'XX', now(), alert.id);
        } catch (err) {
          o.log.error({ alert: alert.id, change, err: (err as Error).message }, 'notify: could not queue the notifications of an alert change');
        }
      }
    },
    async work() {
      const t = now();
      const lease = t + leaseMs;
      const ids = await redis.ygNotifyClaim(keys.escalations, t, lease, 100);
      for (const id of ids) {
        const next = await step(id);
        await redis.ygNotifyRelease(keys.escalations, id, lease, next ?? '');
      }
      return ids.length;
    },
  };
}
