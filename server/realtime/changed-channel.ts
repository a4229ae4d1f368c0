/**
 * `keys.changedChannel`: every hub process announces the scopes of each batch it applied (and the
 * alert engine the scopes whose alert counts changed), as a JSON array of scope strings, so every
 * process marks its rooms, whichever process did the work. A process also hears its own
 * messages; marking a room twice costs nothing.
 */
import type { Logger } from 'pino';
import { isScope, type Scope } from '../../common/catalog.ts';
import type { RedisClient } from '../redis/connect.ts';

/** At most this many scopes per message are taken (a batch touches a few dozen at most). */
const MAX_SCOPES_PER_MESSAGE = 10_000;

export function parseChangedMessage(message: string): Scope[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.slice(0, MAX_SCOPES_PER_MESSAGE).filter((s): s is Scope => typeof s === 'string' && isScope(s));
}

export async function publishChanged(redis: RedisClient, channel: string, scopes: Iterable<Scope>): Promise<void> {
  await redis.publish(channel, JSON.stringify([...scopes]));
}

/** Subscribes `sub` (a connection used for nothing else) and calls `onScopes` per message. */
export async function listenChanged(sub: RedisClient, channel: string, onScopes: (scopes: Scope[]) => void, log: Logger): Promise<void> {
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    const scopes = parseChangedMessage(message);
    if (scopes.length === 0) log.debug({ message: message.slice(0, 200) }, 'live: ignored a changed message without scopes');
    else onScopes(scopes);
  });
  await sub.subscribe(channel);
}
