/**
 * Rotation with a hub secret: every hub sharing the secret derives the rotated token (across
 * processes and restarts), the old one stops, a hub with another secret refuses to start, and the
 * secret file is made once, private, and shared by the processes of one DATA_DIR.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../server/config/env.ts';
import { HUB_SECRET_FILE, loadHubSecret } from '../../server/auth/hub-secret.ts';
import type { Hub } from '../../server/hub.ts';
import { signingKeyOf } from '../../server/auth/ingest-credentials.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock, instant } from '../helpers/test-clock.ts';
import { TOKENS, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { api, signIn } from '../alerts/alert-hub.ts';
import { bearerPost, signedPost } from './ingest-client.ts';

const NOW = instant('10:00');
const ADMIN_PASSWORD = 'admin-pass-0001';
const queue = (ticket: string) => [ev.issued(at('09:30'), ticket)];
const newSecret = () => crypto.randomBytes(32).toString('base64url');

const hubs: Hub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function hub(prefix: string, env: Record<string, string>): Promise<Hub> {
  const h = await startTestHub(prefix, { now: fixedClock('10:00'), env: { ADMIN_PASSWORD, ...env } });
  hubs.push(h);
  return h;
}
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-secret-'));
  dirs.push(d);
  return d;
};

describe('rotation with a hub secret', () => {
  it('gives a token every hub of the secret takes (bearer and signed), across a restart, and stops the old one', async () => {
    const prefix = testPrefix();
    const secret = newSecret();
    const a = await hub(prefix, { HUB_SECRET: secret });
    const b = await hub(prefix, { HUB_SECRET: secret });
    const admin = await signIn(a, 'admin', ADMIN_PASSWORD);

    const first = await api(a, 'POST', '/api/v1/tokens/ingest/queue/rotate', { cookie: admin, body: {} });
    expect(first.body).toMatchObject({ ok: true, source: 'queue', token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), centers: null, types: null });
    await b.auth.tokens.refresh();
    for (const h of [a, b]) {
      expect((await bearerPost(h, first.body.token, queue('A001'))).status).toBe(202);
      expect((await signedPost(h, 'queue', signingKeyOf(first.body.token), queue('A002'), NOW)).status).toBe(202);
      expect((await bearerPost(h, TOKENS.queue, queue('A003'))).status).toBe(401);
      expect((await signedPost(h, 'queue', signingKeyOf(TOKENS.queue), queue('A004'), NOW)).status).toBe(401);
    }

    // a restarted hub derives the same token from the stored salt
    await a.stop();
    hubs.splice(hubs.indexOf(a), 1);
    const a2 = await hub(prefix, { HUB_SECRET: secret });
    expect((await signedPost(a2, 'queue', signingKeyOf(first.body.token), queue('A005'), NOW)).status).toBe(202);

    const second = await api(a2, 'POST', '/api/v1/tokens/ingest/queue/rotate', { cookie: await signIn(a2, 'admin', ADMIN_PASSWORD), body: {} });
    expect(second.body.token).not.toBe(first.body.token);
    await b.auth.tokens.refresh();
    for (const h of [a2, b]) {
      expect((await bearerPost(h, first.body.token, queue('A006'))).status).toBe(401);
      expect((await signedPost(h, 'queue', signingKeyOf(first.body.token), queue('A007'), NOW)).status).toBe(401);
      expect((await signedPost(h, 'queue', signingKeyOf(second.body.token), queue('A008'), NOW)).status).toBe(202);
    }
    const audit = await a2.redis.xrange(a2.keys.audit, '-', '+');
    expect(JSON.stringify(audit)).not.toContain(second.body.token);
  });

  it("refuses to start a hub whose secret is not the deployment's", async () => {
    const prefix = testPrefix();
    await hub(prefix, { HUB_SECRET: newSecret() });
    const other = hub(prefix, { HUB_SECRET: newSecret() });
    await expect(other).rejects.toBeInstanceOf(ConfigError);
    await expect(other).rejects.toThrow(/is not this deployment's/);
    // nor with a DATA_DIR of its own, where it would make a secret nobody else has
    await expect(hub(prefix, { DATA_DIR: tempDir() })).rejects.toThrow(/copy DATA_DIR\/hub-secret/);
  });

  it('makes the secret file at the first start, mode 0600, and every hub of that DATA_DIR shares it', async () => {
    const dataDir = tempDir();
    const prefix = testPrefix();
    const a = await hub(prefix, { DATA_DIR: dataDir });
    const file = path.join(dataDir, HUB_SECRET_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const b = await hub(prefix, { DATA_DIR: dataDir });
    const admin = await signIn(a, 'admin', ADMIN_PASSWORD);
    const { body } = await api(a, 'POST', '/api/v1/tokens/ingest/queue/rotate', { cookie: admin, body: {} });
    await b.auth.tokens.refresh();
    expect((await signedPost(b, 'queue', signingKeyOf(body.token), queue('B001'), NOW)).status).toBe(202);
    expect(loadHubSecret({ hubSecret: undefined, dataDir }).from).toBe('file');

    // a copy readable by others still works, with a warning to fix its mode
    fs.chmodSync(file, 0o644);
    expect(loadHubSecret({ hubSecret: undefined, dataDir }).warning).toMatch(/chmod 600/);
    expect(() => loadHubSecret({ hubSecret: 'short', dataDir })).toThrow(ConfigError);
  });
});
