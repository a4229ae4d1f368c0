/**
 * Notification API (docs/alerts.md, "Notifications"): the delivery log of an alert (whoever may
 * see the alert) and a test message per channel (admins). The `notify` configuration section is
 * read and written through the config API (server/config-store/, docs/admin.md).
 */
import type { Router } from 'express';
import type { DeliveryLogEntry, DeliveryState } from '../../common/notify.ts';
import { channelOf, contactOf } from '../../common/notify.ts';
import { pathName } from '../../common/api-queries.ts';
import { visibleAlert } from '../alerts/alert-access.ts';
import type { AlertStore } from '../alerts/alert-store.ts';
import type { Auth } from '../auth/auth-service.ts';
import { clientIp, requireRole, userOf } from '../auth/middleware.ts';
import { NotFound } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parsePathParam } from '../http/parse-request.ts';
import { sendVia } from './channels/index.ts';
import { testMessage } from './message.ts';
import type { NotifyConfigSource } from './notify-config.ts';
import type { NotifyKeys } from './outbox-store.ts';
import type { RedisClient } from '../redis/connect.ts';

export interface NotifyRouteDeps {
  auth: Auth;
  store: AlertStore;
  redis: RedisClient;
  keys: NotifyKeys;
  config: NotifyConfigSource;
  publicUrl: () => string;
}

export async function deliveriesOf(redis: RedisClient, keys: NotifyKeys, alertId: string): Promise<{ deliveries: DeliveryState[]; log: DeliveryLogEntry[] }> {
  const ids = (await redis.smembers(keys.ofAlert(alertId))).sort();
  const deliveries: DeliveryState[] = [];
  for (const id of ids) {
    const f = await redis.hgetall(keys.delivery(id));
    if (!f.state) continue;
    deliveries.push({
      delivery: id,
      level: Number(f.level),
      contact: f.contact!,
      name: f.name ?? '',
      ...(f.contacts ? { contacts: f.contacts.split(',') } : {}),
      channel: f.channel!,
      state: f.state as DeliveryState['state'],
      attempts: Number(f.attempts ?? 0),
      createdAt: Number(f.createdAt),
      ...(f.state === 'pending' ? { nextAt: Number(f.nextAt) } : {}),
      ...(f.sentAt ? { sentAt: Number(f.sentAt) } : {}),
      ...(f.lastError ? { lastError: f.lastError } : {}),
    });
  }
  const log = (await redis.lrange(keys.log(alertId), 0, -1)).map((j) => JSON.parse(j) as DeliveryLogEntry);
  return { deliveries, log };
}

export function notifyRouter(d: NotifyRouteDeps): Router {
  const router = apiRouter();
  const admin = requireRole(d.auth, 'admin');

  router.get('/api/v1/alerts/:id/deliveries', requireRole(d.auth, 'supervisor', 'leader', 'admin'), async (req, res) => {
    const alert = await visibleAlert(d.store, userOf(req), parsePathParam(req, 'id', pathName));
    res.json(await deliveriesOf(d.redis, d.keys, alert.id));
  });

  router.post('/api/v1/admin/notify/channels/:id/test', admin, async (req, res) => {
    const id = parsePathParam(req, 'id', pathName);
    const config = d.config.current();
    const channel = channelOf(config, id);
    if (!channel) throw new NotFound(`no channel "${id}" in the notify configuration`);
    // the first contact reached through this channel, so an SMS or email has somewhere to go
    const contactId = Object.keys(config.contacts).find((c) => config.contacts[c]!.channels.includes(id)) ?? '';
    const result = await sendVia(channel, testMessage(id, d.publicUrl()), contactId, contactOf(config, contactId));
    await d.auth.audit.record({
      actor: userOf(req).username,
      action: 'config.notify-tested',
      target: id,
      ip: clientIp(req),
      detail: { ok: result.ok, status: result.status ?? null },
    });
    res.json({
      ok: result.ok,
      channel: id,
      contact: contactId || null,
      ...(result.status !== undefined ? { status: result.status } : {}),
      detail: result.detail,
    });
  });
  return router;
}
