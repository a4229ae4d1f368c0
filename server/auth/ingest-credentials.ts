/**
 * Ingest credentials as one hub process holds them in memory: token → source and scope (bearer
 * requests), and source → HMAC key (signed requests).
 *
 * A rotated token is never stored: Redis keeps a random salt, and the token is derived from it
 * with the hub secret (hub-secret.ts): token = base64url(first 24 bytes of
 * HMAC-SHA256(hubSecret, "yg-ingest-token\n" + source + "\n" + salt)). A device signs with
 * SHA-256(token), as before; the hub computes the same key from the token it derives. So Redis
 * alone (salts) gives neither the token nor the key; docs/auth.md compares this with the
 * alternatives.
 */
import crypto from 'node:crypto';
import type { SourcePrincipal } from '../identity/principal.ts';

/** How the hub checks a source's signed request: its HMAC key, and the source with what it may send. */
export interface IngestSigner {
  key: string;
  grant: SourcePrincipal;
}

/** The HMAC key of a token, with which a device signs its requests (server/ingest/request-auth.ts): its lowercase hex SHA-256. */
export const signingKeyOf = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

export function deriveIngestToken(secretKey: Buffer, source: string, salt: string): string {
  return crypto.createHmac('sha256', secretKey).update(`yg-ingest-token\n${source}\n${salt}`).digest().subarray(0, 24).toString('base64url');
}

export const newSalt = (): string => crypto.randomBytes(16).toString('base64url');

/**
 * Keyed by each token's SHA-256, so the table holds no token; the ingest route calls
 * `get(token)` with the token it received.
 */
export class HashedTokenMap<V> extends Map<string, V> {
  override get(token: string): V | undefined {
    return super.get(signingKeyOf(token));
  }
}

export class IngestCredentials {
  readonly byToken = new HashedTokenMap<SourcePrincipal>();
  readonly signers = new Map<string, IngestSigner>();

  /** A token the hub knows (environment, or derived): bearer and signed requests. */
  add(token: string, grant: SourcePrincipal): void {
    const key = signingKeyOf(token);
    this.byToken.set(key, grant);
    this.signers.set(grant.source, { key, grant });
  }

  /**
   * A token rotated before the hub secret existed, of which Redis holds the SHA-256: that hash is
   * the HMAC key, so a signature made with it may come from anyone who read Redis. It is taken
   * as a bearer token (which needs the token itself) and refused for signed requests.
   */
  addLegacyHash(hash: string, grant: SourcePrincipal): void {
    this.byToken.set(hash, grant);
  }
}
