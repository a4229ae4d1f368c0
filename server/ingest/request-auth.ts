/**
 * Who sent an ingest request. Two schemes:
 * - `Authorization: Bearer <token>`: the token names the source.
 * - `Authorization: YG-HMAC-SHA256 source=<s>, ts=<unix s>, nonce=<random>, sig=<hex>` for devices
 *   on open networks: the token never travels; sig = HMAC-SHA256(key, `${ts}\n${nonce}\n${sha256(body)}`)
 *   with key = the lowercase hex SHA-256 of the token (the hub keeps only that, never the token).
 *   A request older than 5 minutes or with a nonce already seen is refused, so a captured request
 *   cannot be replayed. Sources in INGEST_SIGNED_SOURCES must use it.
 */
import crypto from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from '../http/http-error.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export const SIGNATURE_MAX_AGE_SEC = 300;

export interface RequestAuthDeps {
  redis: RedisClient;
  keys: RedisKeys;
  /** token → source */
  tokens: () => Map<string, string>;
  /** source → HMAC key (hex SHA-256 of its token); without it, signed requests are refused */
  signingKeys?: () => Map<string, string>;
  /** sources that must sign; none by default */
  signedSources?: Set<string>;
  now: () => number;
}

const unauthorized = (message: string) => new HttpError(401, message, 'authorization', { 'WWW-Authenticate': 'Bearer, YG-HMAC-SHA256' });

export async function authenticateSource(req: Request & { rawBody?: Buffer }, deps: RequestAuthDeps): Promise<string> {
  const header = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) {
    const source = deps.tokens().get(bearer[1]!);
    if (!source) throw unauthorized('unknown ingest token');
    if (deps.signedSources?.has(source)) throw unauthorized(`source "${source}" must sign its requests (YG-HMAC-SHA256, see docs/api.md)`);
    return source;
  }
  const signed = /^YG-HMAC-SHA256\s+(.+)$/i.exec(header);
  if (!signed) throw unauthorized('missing "Authorization: Bearer <token>" (or YG-HMAC-SHA256) header');
  const params = Object.fromEntries(signed[1]!.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const { source, ts, nonce, sig } = params as Record<string, string | undefined>;
  if (!source || !ts || !nonce || !sig) throw unauthorized('YG-HMAC-SHA256 needs source, ts, nonce and sig');
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) throw unauthorized('nonce must be 8-64 letters, digits, _ or -');
  const key = deps.signingKeys?.().get(source);
  if (!key) throw unauthorized(`unknown source "${source}"`);
  const age = Math.abs(deps.now() / 1000 - Number(ts));
  if (!Number.isFinite(age) || age > SIGNATURE_MAX_AGE_SEC) throw unauthorized(`ts is more than ${SIGNATURE_MAX_AGE_SEC} s from the hub's clock; check the device clock`);
  const expected = signRequest(key, ts, nonce, req.rawBody ?? Buffer.alloc(0));
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw unauthorized('signature does not match');
  // the nonce is remembered as long as its timestamp is acceptable, so a replay is caught
  const fresh = await deps.redis.set(deps.keys.ingestNonce(source, nonce), '1', 'EX', SIGNATURE_MAX_AGE_SEC * 2, 'NX');
  if (fresh !== 'OK') throw unauthorized('this request was already received (nonce replayed)');
  return source;
}

/** The HMAC key of a token: its lowercase hex SHA-256. */
export const signingKeyOf = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

/** The signature a device computes, keyed with `signingKeyOf(token)`. */
export function signRequest(key: string, ts: string, nonce: string, body: Buffer | string): Buffer {
  const bodyHash = crypto.createHash('sha256').update(body).digest('hex');
  return crypto.createHmac('sha256', key).update(`${ts}\n${nonce}\n${bodyHash}`).digest();
}
