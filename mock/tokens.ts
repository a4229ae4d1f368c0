/**
 * INGEST_TOKENS, read the way the hub reads it: `source=token` pairs, comma-separated, a token
 * optionally followed by its scope (`@center|…#type|…`, common/ingest-scope.ts), which the mock
 * does not need: the hub enforces it.
 */
import crypto from 'node:crypto';
import { splitTokenSpec } from '../common/ingest-scope.ts';
import { SOURCES } from './timeline.ts';

export class TokensError extends Error {
  override name = 'TokensError';
}

/** source → token */
export function parseIngestTokens(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1)
      throw new TokensError(`INGEST_TOKENS: "${part}" is not source=token (example: queue=s3cret-queue,rating=s3cret-rating)`);
    map.set(part.slice(0, eq).trim(), splitTokenSpec(part.slice(eq + 1)).token);
  }
  return map;
}

/** Random tokens for every source, as an INGEST_TOKENS value (for `npm run demo`). */
export function randomIngestTokens(): string {
  return SOURCES.map((s) => `${s}=${crypto.randomBytes(12).toString('base64url')}`).join(',');
}
