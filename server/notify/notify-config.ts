/**
 * The notification configuration of the deployment: `config/notify.json` (NOTIFY_FILE) at start,
 * replaced by `PUT /api/v1/admin/config/notify`, which stores it in Redis with a version number
 * every hub checks on each outbox tick, so a change applies on every hub within a tick. Secrets
 * (`secret`, `pass`) are answered and audited masked; a PUT that sends the mask keeps the secret.
 */
import fs from 'node:fs';
import { notifyConfigSchema, type NotifyConfig } from '../../common/notify.ts';
import { ConfigError } from '../config/env.ts';
import { InputError } from '../domain-errors.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { NotifyKeys } from './outbox-store.ts';

export const SECRET_MASK = '******';
const SECRET_FIELDS = ['secret', 'pass'] as const;

export function loadNotifyFile(file: string): NotifyConfig {
  let raw: unknown = {};
  if (fs.existsSync(file)) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${file}: not JSON: ${(err as Error).message}`);
    }
  }
  const parsed = notifyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file} at ${issue.path.join('.') || '(top)'}: ${issue.message} (docs/alerts.md, "Notifications")`);
  }
  return parsed.data;
}

/** The configuration with every secret replaced by the mask. */
export function maskSecrets(c: NotifyConfig): NotifyConfig {
  const channels = Object.fromEntries(
    Object.entries(c.channels).map(([id, ch]) => {
      const copy: Record<string, unknown> = { ...ch };
      for (const f of SECRET_FIELDS) if (typeof copy[f] === 'string') copy[f] = SECRET_MASK;
      return [id, copy];
    }),
  );
  return { ...c, channels: channels as NotifyConfig['channels'] };
}

/** Parses a PUT body; a masked secret keeps the current one of the same channel. */
export function parseNotifyInput(body: unknown, current: NotifyConfig): NotifyConfig {
  const input = structuredClone(body) as { channels?: Record<string, Record<string, unknown>> } | null;
  for (const [id, ch] of Object.entries(input?.channels ?? {})) {
    for (const f of SECRET_FIELDS) {
      if (ch?.[f] !== SECRET_MASK) continue;
      const old = (current.channels[id] as Record<string, unknown> | undefined)?.[f];
      if (typeof old === 'string') ch[f] = old;
      else throw new InputError(`channels.${id}.${f}: "${SECRET_MASK}" keeps a secret, and this channel has none; send the secret`, `channels.${id}.${f}`);
    }
  }
  const parsed = notifyConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.');
    throw new InputError(`${where || 'body'}: ${issue.message}`, where || 'body');
  }
  return parsed.data;
}

export interface NotifyConfigStore {
  current(): NotifyConfig;
  /** Stores and applies a new configuration; answers the one it replaced. */
  replace(next: NotifyConfig): Promise<NotifyConfig>;
  /** Takes a configuration another hub stored (cheap when nothing changed). */
  refresh(): Promise<void>;
}

export async function createNotifyConfigStore(redis: RedisClient, keys: NotifyKeys, fromFile: NotifyConfig): Promise<NotifyConfigStore> {
  let config = fromFile;
  let version = -1;
  async function refresh(): Promise<void> {
    const v = Number((await redis.get(keys.configVersion)) ?? 0);
    if (v === version) return;
    const json = await redis.get(keys.config);
    const parsed = json ? notifyConfigSchema.safeParse(JSON.parse(json)) : null;
    // a stored configuration this hub cannot read (an older hub): keep the file's
    config = parsed?.success ? parsed.data : fromFile;
    version = v;
  }
  await refresh();
  return {
    current: () => config,
    refresh,
    async replace(next) {
      const before = config;
      await redis.multi().set(keys.config, JSON.stringify(next)).incr(keys.configVersion).exec();
      await refresh();
      return before;
    },
  };
}
