/**
 * Who sent an ingest request. Two schemes:
 * - `Authorization: Bearer <token>`: the token names the source.
 * - `Authorization: YG-HMAC-SHA256 source=<s>, ts=<unix s>, nonce=<random>, sig=<hex>` for devices
 *   on open networks: the token never travels; sig = HMAC-SHA256(key, `${ts}\n${nonce}\n${sha256(body)}`)
 *   with key = the lowercase hex SHA-256 of the token. The hub holds that key in memory only
 *   (server/auth/ingest-credentials.ts: Redis alone cannot give it). A request older than 5
 *   minutes or with a nonce already seen is refused, so a captured request cannot be replayed.
 *   Sources in INGEST_SIGNED_SOURCES must use it.
 * Either way the answer is the source's principal (server/identity/principal.ts): the source and
 * the centers and types it may send.
 */
import crypto from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from '../http/http-error.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { IngestSigner } from '../auth/ingest-credentials.ts';
import { bearerToken } from '../identity/credentials.ts';
import type { SourcePrincipal } from '../identity/principal.ts';

export const SIGNATURE_MAX_AGE_SEC = 300;

export interface RequestAuthDeps {
  redis: RedisClient;
  keys: RedisKeys;
  /** token → source principal (`get(token)`) */
  tokens: () => Map<string, SourcePrincipal>;
  /** source → HMAC key (hex SHA-256 of its token) and grant; without it, signed requests are refused */
  signingKeys?: () => Map<string, IngestSigner>;
  /** sources that must sign; none by default */
  signedSources?: Set<string>;
  now: () => number;
}

const unauthorized = (message: string) => new HttpError(401, message, 'authorization', { 'WWW-Authenticate': 'Bearer, YG-HMAC-SHA256' });

export async function authenticateSource(req: Request & { rawBody?: Buffer }, deps: RequestAuthDeps): Promise<SourcePrincipal> {
  const header = req.get('authorization') ?? '';
  const bearer = bearerToken(header);
  if (bearer !== null) {
    const grant = deps.tokens().get(bearer);
    if (!grant) throw unauthorized('unknown ingest token');
    if (deps.signedSources?.has(grant.source)) throw unauthorized(`source "${grant.source}" must sign its requests (YG-HMAC-SHA256, see docs/api.md)`);
    return grant;
  }
  const signed = /^YG-HMAC-SHA256\s+(.+)$/i.exec(header);
  if (!signed) throw unauthorized('missing "Authorization: Bearer <token>" (or YG-HMAC-SHA256) header');
  const params = Object.fromEntries(signed[1]!.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const { source, ts, nonce, sig } = params as Record<string, string | undefined>;
  if (!source || !ts || !nonce || !sig) throw unauthorized('YG-HMAC-SHA256 needs source, ts, nonce and sig');
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) throw unauthorized('nonce must be 8-64 letters, digits, _ or -');
  const signer = deps.signingKeys?.().get(source);
  if (!signer) throw unauthorized(`unknown source "${source}"`);
  const age = Math.abs(deps.now() / 1000 - Number(ts));
  if (!Number.isFinite(age) || age > SIGNATURE_MAX_AGE_SEC)
    throw unauthorized(`ts is more than ${SIGNATURE_MAX_AGE_SEC} s from the hub's clock; check the device clock`);
  const expected = signRequest(signer.key, ts, nonce, req.rawBody ?? Buffer.alloc(0));
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw unauthorized('signature does not match');
  // the nonce is remembered as long as its timestamp is acceptable, so a replay is caught
  const fresh = await deps.redis.set(deps.keys.ingestNonce(source, nonce), '1', 'EX', SIGNATURE_MAX_AGE_SEC * 2, 'NX');
  if (fresh !== 'OK') throw unauthorized('this request was already received (nonce replayed)');
  return signer.grant;
}

/** The signature a device computes, keyed with `signingKeyOf(token)` (server/auth/ingest-credentials.ts). */
export function signRequest(key: string, ts: string, nonce: string, body: Buffer | string): Buffer {
  const bodyHash = crypto.createHash('sha256').update(body).digest('hex');
  return crypto.createHmac('sha256', key).update(`${ts}\n${nonce}\n${bodyHash}`).digest();
}
