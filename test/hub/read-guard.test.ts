import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';

const TOKEN = 'hall-screen-token-1';

describe('HTTP reads once screen tokens are configured', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { env: { SCREEN_TOKENS: `hall=${TOKEN}:center:yiyang`, ADMIN_PASSWORD: 'admin-password-1' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${hub.url}${path}`, { headers });

  it('refuses a reader with neither a screen token nor a sign-in', async () => {
    for (const path of ['/api/v1/snapshot?scope=city', '/api/v1/series?metric=tickets.issued', '/api/v1/catalog', '/api/v1/screens/hall']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect((await res.json()).field).toBe('token');
    }
    expect((await get('/healthz')).status).toBe(200);
  });

  it('lets a screen token read its scope and what lies inside it, and nothing else', async () => {
    const bearer = { authorization: `Bearer ${TOKEN}` };
    expect((await get('/api/v1/snapshot?scope=center:yiyang', bearer)).status).toBe(200);
    expect((await get('/api/v1/snapshot?scope=dept:yiyang.market', bearer)).status).toBe(200);
    expect((await get(`/api/v1/snapshot?scope=window:yiyang.w005&token=${TOKEN}`)).status).toBe(200);
    expect((await get('/api/v1/catalog', bearer)).status).toBe(200);
    expect((await get('/api/v1/snapshot?scope=center:heshan', bearer)).status).toBe(403);
    expect((await get('/api/v1/snapshot?scope=city', bearer)).status).toBe(403);
    expect((await get('/api/v1/snapshot?scope=center:yiyang', { authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it('lets a signed-in leader or admin read any scope', async () => {
    const login = await fetch(`${hub.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await get('/api/v1/snapshot?scope=center:heshan', { cookie })).status).toBe(200);
    expect((await get('/api/v1/series?metric=portal.pv&scope=city', { cookie })).status).toBe(200);
  });
});
