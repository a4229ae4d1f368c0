/**
 * The outbox: each (alert, level, contact, channel) is one delivery in Redis (a group destination,
 * a robot or a webhook, one per (alert, level, channel) for all its contacts), sent at least once
 * and recorded once, retried with backoff for 24 h, shared by every hub (a worker claims due
 * entries with a lease; one that dies leaves them to the others when the lease runs out) and
 * surviving restarts. Yellow cards of one department to one person due together go as one
 * message; each channel keeps to its messages a minute.
 */
import type { Logger } from 'pino';
import type { DeliveryLogEntry, DeliveryOutcome, NotifyConfig, NotifyContact } from '../../common/notify.ts';
import { channelOf, contactOf, GROUP_CONTACT } from '../../common/notify.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { perMinuteOf, sendTo } from './channels/index.ts';
import { batchMessage, type NotifyMessage } from './message.ts';
import { quietUntil } from './routing.ts';
import { logEntry, NOTIFY_KEEP_MS, type NotifyKeys, type OutboxRedis } from './outbox-store.ts';
import { DAY_MS } from '../../common/time.ts';

export interface OutboxOptions {
  redis: OutboxRedis;
  keys: NotifyKeys;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  config: () => NotifyConfig;
  publicUrl: () => string;
  /** Wait before attempt `attempt + 1` after `attempt` failed. @default 30 s doubling, at most 1 h */
  retryDelayMs?: (attempt: number) => number;
  /** Attempts stop this long after the delivery was queued. @default 24 h */
  retryForMs?: number;
  /** A claimed entry comes back to every worker after this long (hub clock). @default 2 min */
  leaseMs?: number;
}

export interface NewDelivery {
  alertId: string;
  level: number;
  /** A contact id, or GROUP_CONTACT for a group destination (then `contacts`). */
  contact: string;
  /** A group destination's contacts, mentioned in its one message. */
  contacts?: string[];
  channel: string;
  message: NotifyMessage;
}

export interface Outbox {
  /** Queues deliveries (each once, whoever asks again); yellow ones wait for the batch window. */
  enqueue(items: NewDelivery[]): Promise<void>;
  /** Sends what is due now. */
  work(): Promise<number>;
}

export const defaultRetryDelayMs = (attempt: number): number => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);

interface Claimed {
  id: string;
  f: Record<string, string>;
  message: NotifyMessage;
  attempt: number;
}

export function createOutbox(o: OutboxOptions): Outbox {
  const { redis, keys, now } = o;
  const retryDelayMs = o.retryDelayMs ?? defaultRetryDelayMs;
  const retryForMs = o.retryForMs ?? DAY_MS;
  const leaseMs = o.leaseMs ?? 120_000;
  const contactNamed = (id: string): NotifyContact | null => contactOf(o.config(), id);
  /** The contacts a stored delivery is for: its group's, or its one contact. */
  const contactsOf = (f: Record<string, string>): string[] => (f.contacts ? f.contacts.split(',') : [f.contact!]);

  const entry = (f: Record<string, string>, id: string, outcome: DeliveryOutcome, attempt: number, at: number, detail?: string): string =>
    logEntry({
      at,
      delivery: id,
      level: Number(f.level),
      contact: f.contact!,
      name: contactNamed(f.contact!)?.name ?? f.name ?? '',
      ...(f.contacts ? { contacts: contactsOf(f) } : {}),
      channel: f.channel!,
      outcome,
      attempt,
      ...(detail ? { detail: detail.slice(0, 300) } : {}),
    } satisfies DeliveryLogEntry);

  async function finish(
    c: Claimed,
    lease: number,
    outcome: 'sent' | 'retry' | 'gave-up' | 'defer',
    nextAt: number,
    fields: Record<string, string | number>,
    log: string,
  ): Promise<void> {
    await redis.ygNotifyFinish(keys.delivery(c.id), keys.due, keys.log(c.f.alert!), c.id, lease, outcome, nextAt, JSON.stringify(fields), log, NOTIFY_KEEP_MS);
  }

  /** Within the channel's messages a minute? Counts this message if so. */
  async function takeRate(channel: string, limit: number, t: number): Promise<boolean> {
    const key = keys.rate(channel, Math.floor(t / 60_000));
    const n = await redis.incr(key);
    if (n === 1) await redis.pexpire(key, 120_000);
    return n <= limit;
  }

  async function sendGroup(group: Claimed[], lease: number): Promise<void> {
    const t = now();
    const first = group[0]!;
    const channel = channelOf(o.config(), first.f.channel!);
    if (!channel) {
      for (const c of group)
        await finish(
          c,
          lease,
          'gave-up',
          0,
          { state: 'gave-up', lastError: 'channel not configured' },
          entry(c.f, c.id, 'gave-up', c.attempt, t, `channel "${c.f.channel}" is no longer configured`),
        );
      return;
    }
    if (!(await takeRate(first.f.channel!, perMinuteOf(channel), t))) {
      const next = (Math.floor(t / 60_000) + 1) * 60_000;
      for (const c of group) await finish(c, lease, 'defer', next, { nextAt: next }, '');
      return;
    }
    const msg =
      group.length > 1
        ? batchMessage(
            group.map((c) => c.message),
            o.catalog,
            o.publicUrl(),
          )
        : first.message;
    const result = await sendTo(
      channel,
      msg,
      contactsOf(first.f).map((id) => ({ id, contact: contactNamed(id) })),
    );
    const done = now();
    for (const c of group) {
      if (result.ok) {
        const note = group.length > 1 ? `batched with ${group.length - 1} more; ${result.detail}` : result.detail;
        await finish(c, lease, 'sent', 0, { state: 'sent', sentAt: done, attempts: c.attempt }, entry(c.f, c.id, 'sent', c.attempt, done, note));
      } else {
        const nextAt = done + retryDelayMs(c.attempt);
        if (nextAt - Number(c.f.createdAt) > retryForMs) {
          await finish(
            c,
            lease,
            'gave-up',
            0,
            { state: 'gave-up', attempts: c.attempt, lastError: result.detail },
            entry(c.f, c.id, 'gave-up', c.attempt, done, result.detail),
          );
        } else {
          await finish(
            c,
            lease,
            'retry',
            nextAt,
            { attempts: c.attempt, lastError: result.detail, nextAt },
            entry(c.f, c.id, 'retry', c.attempt, done, result.detail),
          );
        }
      }
    }
    if (!result.ok)
      o.log.warn(
        { channel: first.f.channel, contact: first.f.contact, alert: first.f.alert, detail: result.detail },
        'notification failed; it will be retried',
      );
  }

  return {
    async enqueue(items) {
      const config = o.config();
      const t = now();
      for (const d of items) {
        const id = `${d.alertId}|${d.level}|${d.contact}|${d.channel}`;
        const batchMs = config.batchYellowSeconds * 1000;
        // yellow cards wait for the end of their batch window, so those of one minute go together
        const batched = d.message.severity === 'yellow' && batchMs > 0 ? (Math.floor(t / batchMs) + 1) * batchMs : t;
        // quiet hours hold yellow cards until they end; red ones go at once
        const nextAt = d.message.severity === 'yellow' ? Math.max(batched, quietUntil(config, t) ?? 0) : batched;
        const group = d.contact === GROUP_CONTACT ? (d.contacts ?? []) : null;
        const fields = {
          alert: d.alertId,
          level: d.level,
          contact: d.contact,
          // ids are letters, digits and . _ - (common/notify.ts): a comma cannot be in one
          ...(group ? { contacts: group.join(',') } : {}),
          name: group ? group.map((c) => contactNamed(c)?.name ?? c).join('、') : (contactNamed(d.contact)?.name ?? ''),
          channel: d.channel,
          state: 'pending',
          attempts: 0,
          createdAt: t,
          nextAt,
          severity: d.message.severity,
          dept: d.message.dept ?? '',
          message: JSON.stringify(d.message),
        };
        await redis.ygNotifyEnqueue(
          keys.delivery(id),
          keys.due,
          keys.ofAlert(d.alertId),
          keys.log(d.alertId),
          id,
          nextAt,
          JSON.stringify(fields),
          entry(fields as unknown as Record<string, string>, id, 'queued', 0, t, nextAt > t ? `due ${new Date(nextAt).toISOString()}` : undefined),
          NOTIFY_KEEP_MS,
        );
      }
    },
    async work() {
      const t = now();
      const lease = t + leaseMs;
      const ids = await redis.ygNotifyClaim(keys.due, t, lease, 100);
      if (ids.length === 0) return 0;
      const claimed: Claimed[] = [];
      for (const id of ids) {
        const f = await redis.hgetall(keys.delivery(id));
        if (!f.state || f.state !== 'pending') {
          await redis.ygNotifyRelease(keys.due, id, lease, '');
          continue;
        }
        claimed.push({ id, f, message: JSON.parse(f.message!) as NotifyMessage, attempt: Number(f.attempts ?? 0) + 1 });
      }
      const groups = new Map<string, Claimed[]>();
      for (const c of claimed) {
        const batchable = c.f.severity === 'yellow' && o.config().batchYellowSeconds > 0 && c.f.dept;
        const key = batchable ? `${c.f.channel}|${c.f.contact}|${c.f.dept}|${c.f.level}` : c.id;
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      await Promise.all(
        [...groups.values()].map((g) =>
          sendGroup(g, lease).catch((err: unknown) => {
            o.log.warn({ err: (err as Error).message }, 'outbox: recording a delivery failed; its lease runs out and it is sent again');
          }),
        ),
      );
      return claimed.length;
    },
  };
}
