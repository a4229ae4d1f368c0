/** Ingest requests as a source sends them: bearer, or signed (YG-HMAC-SHA256, docs/api.md) with a key it holds. */
import crypto from 'node:crypto';
import type { Hub } from '../../server/hub.ts';
import { signRequest } from '../../server/ingest/request-auth.ts';

export interface IngestAnswer {
  status: number;
  body: any;
}

async function answer(res: Response): Promise<IngestAnswer> {
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function bearerPost(hub: Hub, token: string, events: unknown[]): Promise<IngestAnswer> {
  return answer(
    await fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      body: JSON.stringify(events),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    }),
  );
}

/** Signed with `key` as the HMAC key (a device's key is the hex SHA-256 of its token), at the hub's clock. */
export async function signedPost(hub: Hub, source: string, key: string, events: unknown[], nowMs: number): Promise<IngestAnswer> {
  const body = JSON.stringify(events);
  const ts = String(Math.floor(nowMs / 1000));
  const nonce = crypto.randomBytes(12).toString('hex');
  const sig = signRequest(key, ts, nonce, body).toString('hex');
  return answer(
    await fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `YG-HMAC-SHA256 source=${source}, ts=${ts}, nonce=${nonce}, sig=${sig}` },
    }),
  );
}

export const sha256hex = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
