/**
 * The notification configuration of the deployment: the `notify` configuration section
 * (server/config-store/, docs/admin.md), seeded from `config/notify.json` (NOTIFY_FILE) and replaced
 * by `PUT /api/v1/admin/config/notify`; every hub applies a change within 2 s. Secrets (`secret`,
 * `pass`) are answered and audited masked; a PUT that sends the mask keeps the secret.
 */
import type { NotifyConfig } from '../../common/notify.ts';

export const SECRET_MASK = '******';
const SECRET_FIELDS = ['secret', 'pass'] as const;

/** The current configuration as the notifications read it, at each use. */
export interface NotifyConfigSource {
  current(): NotifyConfig;
  /** Takes a configuration another hub stored now rather than at the next poll (cheap when nothing changed). */
  refresh(): Promise<void>;
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

/**
 * A PUT body with each masked secret replaced by the current one of the same channel (own keys
 * only: channel ids come from the body); a mask where the channel has no secret is an issue.
 */
export function restoreSecrets(body: unknown, current: NotifyConfig): { value: unknown; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const input = structuredClone(body) as { channels?: unknown } | null;
  const channels = typeof input === 'object' && input !== null && typeof input.channels === 'object' && input.channels !== null ? input.channels : {};
  for (const [id, ch] of Object.entries(channels as Record<string, unknown>)) {
    if (typeof ch !== 'object' || ch === null) continue;
    const fields = ch as Record<string, unknown>;
    for (const f of SECRET_FIELDS) {
      if (fields[f] !== SECRET_MASK) continue;
      const old = Object.hasOwn(current.channels, id) ? (current.channels[id] as Record<string, unknown>)[f] : undefined;
      if (typeof old === 'string') fields[f] = old;
      else issues.push({ path: `channels.${id}.${f}`, message: `"${SECRET_MASK}" keeps a secret, and this channel has none; send the secret` });
    }
  }
  return { value: input, issues };
}
