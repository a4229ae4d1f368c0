/**
 * Not a migration: what no migration can do. An ingest token rotated before the hub secret existed
 * is stored as the token's SHA-256 (`hash`, no `salt`); the hub still takes it as a bearer token but
 * refuses it for signed requests, since that hash was also its signing key and anyone who read Redis
 * could sign with it (docs/auth.md, "Secrets at rest"). The token itself is not in Redis, so no new
 * record can be made from it: the admin rotates it (`npm run admin -- rotate-ingest-token <source>`)
 * and gives the source the new token. This lists the sources concerned.
 */
import type { RedisClient } from '../connect.ts';
import type { RedisKeys } from '../keys.ts';
import { isRecord, parseJson } from './migration.ts';

export async function legacyIngestTokens(redis: RedisClient, keys: RedisKeys): Promise<string[]> {
  const out: string[] = [];
  for (const [source, json] of Object.entries(await redis.hgetall(keys.ingestTokenStore))) {
    const t = parseJson(json);
    if (isRecord(t) && typeof t.hash === 'string' && t.salt === undefined && t.revoked !== true) out.push(source);
  }
  return out.sort();
}

export const legacyTokenAdvice = (sources: string[]) =>
  `ingest tokens rotated before the hub secret existed (bearer only, signed requests refused): ${sources.join(', ')}; ` +
  `rotate each (npm run admin -- rotate-ingest-token <source>) and give the source its new token`;
