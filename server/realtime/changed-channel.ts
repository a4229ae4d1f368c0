/**
 * `keys.changedChannel`: every hub process announces the scopes of each batch it applied (and the
 * alert engine the scopes whose alert counts changed), as a JSON array of scope strings, so every
 * process marks its rooms, whichever process did the work. A hub puts tags first, strings that
 * are no scope (so a reader that does not know them drops them like any other string that is
 * not a scope): `hub:<id>`, so it skips its own messages (it marked those rooms already, and a
 * second mark heard a moment after the first would cost each room a second read), and `call`
 * when the batch held a call (every hub flushes a call at once: live-rooms.ts).
 */
import type { Logger } from 'pino';
import { isScope, type Scope } from '../../common/catalog.ts';
import type { RedisClient } from '../redis/connect.ts';

/** At most this many scopes per message are taken (a batch touches a few dozen at most). */
const MAX_SCOPES_PER_MESSAGE = 10_000;

const HUB_TAG = 'hub:';
const CALL_TAG = 'call';

export interface ChangedMessage {
  scopes: Scope[];
  /** The hub that sent it, when it says (the alert engine's Lua does not). */
  from: string | null;
  /** The batch held a call. */
  call: boolean;
}

export function parseChangedMessage(message: string): ChangedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { scopes: [], from: null, call: false };
  }
  if (!Array.isArray(parsed)) return { scopes: [], from: null, call: false };
  const head: unknown[] = parsed.slice(0, 2);
  const hub = head.find((x): x is string => typeof x === 'string' && x.startsWith(HUB_TAG));
  return {
    scopes: parsed.slice(0, MAX_SCOPES_PER_MESSAGE).filter((s): s is Scope => typeof s === 'string' && isScope(s)),
    from: hub === undefined ? null : hub.slice(HUB_TAG.length),
    call: head.includes(CALL_TAG),
  };
}

export async function publishChanged(
  redis: RedisClient,
  channel: string,
  scopes: Iterable<Scope>,
  tags: { hubId?: string; call?: boolean } = {},
): Promise<void> {
  const head = [...(tags.hubId ? [`${HUB_TAG}${tags.hubId}`] : []), ...(tags.call ? [CALL_TAG] : [])];
  await redis.publish(channel, JSON.stringify([...head, ...scopes]));
}

/**
 * Subscribes `sub` (a connection used for nothing else) and calls `onScopes` per message, except
 * for the messages tagged with `ownHubId`.
 */
export async function listenChanged(
  sub: RedisClient,
  channel: string,
  onScopes: (scopes: Scope[], call: boolean) => void,
  log: Logger,
  ownHubId?: string,
): Promise<void> {
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    const { scopes, from, call } = parseChangedMessage(message);
    if (from !== null && from === ownHubId) return;
    if (scopes.length === 0) log.debug({ message: message.slice(0, 200) }, 'live: ignored a changed message without scopes');
    else onScopes(scopes, call);
  });
  await sub.subscribe(channel);
}
