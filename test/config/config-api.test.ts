/**
 * The config API (docs/admin.md) against a real hub and Redis: every section read and written
 * back, refusals that change nothing (every issue listed), stale writes refused with 409, hostile
 * section names, the seed that a later start does not override, and the audit of a change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_SECTIONS } from '../../common/config-sections.ts';
import type { Hub } from '../../server/hub.ts';
import { TestClock } from '../alerts/alert-hub.ts';
import { at } from '../helpers/test-clock.ts';
import { testPrefix, testRedis } from '../helpers/test-hub.ts';
import { adminCookie, api, getSection, putSection, startConfigHub } from './config-hub.ts';

let hub: Hub;
let admin: string;
const clock = new TestClock(at('10:00'));
const prefix = testPrefix();

beforeAll(async () => {
  hub = await startConfigHub(prefix, clock);
  admin = await adminCookie(hub);
});
afterAll(async () => {
  await hub?.stop();
});

describe('the sections', () => {
  it('lists every section with its version, seeded from the files (version 1, no author)', async () => {
    const res = await api(hub, 'GET', '/api/v1/admin/config', { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.body.sections.map((s: { section: string }) => s.section)).toEqual([...CONFIG_SECTIONS]);
    for (const s of res.body.sections) expect(s).toEqual({ section: s.section, version: 1, updatedAt: null, updatedBy: null });
  });

  it.each(CONFIG_SECTIONS)('answers %s with the shape of its file, and a PUT of it back is stored as the next version', async (section) => {
    const got = await getSection(hub, admin, section);
    expect(got.status).toBe(200);
    const files =
      section === 'catalog'
        ? null
        : { alerts: 'alerts.json', holidays: 'holidays.json', hall: 'hall.json', cockpit: 'coverage.json', notify: 'notify.json', playlists: 'playlists.json' }[
            section
          ];
    if (files) expect(got.body).toEqual(expect.objectContaining(JSON.parse(fs.readFileSync(path.resolve('config', files), 'utf8'))));
    else
      for (const list of ['centers', 'departments', 'windows', 'items', 'staff'])
        expect(got.body[list]).toEqual(JSON.parse(fs.readFileSync(path.resolve('config/catalog', `${list}.json`), 'utf8')));
    const put = await putSection(hub, admin, section, got.body, got.version!);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ version: got.version! + 1 });
    expect(put.etag).toBe(`"${got.version! + 1}"`);
    const again = await getSection(hub, admin, section);
    expect(again.body).toEqual(got.body);
    expect(again.version).toBe(got.version! + 1);
  });

  it('answers a section with no-store and its version as a quoted ETag', async () => {
    const res = await fetch(`${hub.url}/api/v1/admin/config/hall`, { headers: { cookie: admin } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toMatch(/^"\d+"$/);
  });

  it('records who changed a section and when, and audits it with before and after', async () => {
    const got = await getSection(hub, admin, 'hall');
    const next = { ...got.body, notices: [{ tag: '公告', text: '审计测试' }] };
    expect((await putSection(hub, admin, 'hall', next)).status).toBe(200);
    const list = await api(hub, 'GET', '/api/v1/admin/config', { cookie: admin });
    const hall = list.body.sections.find((s: { section: string }) => s.section === 'hall');
    expect(hall).toMatchObject({ updatedBy: 'admin', version: got.version! + 1 });
    expect(Date.parse(hall.updatedAt)).toBe(clock.now());
    const audit = await api(hub, 'GET', '/api/v1/audit?action=config.hall-changed', { cookie: admin });
    expect(audit.body.entries[0]).toMatchObject({ actor: 'admin', action: 'config.hall-changed', target: 'hall' });
    expect(audit.body.entries[0].detail.after.notices).toEqual(next.notices);
    expect(audit.body.entries[0].detail.before.notices).toEqual(got.body.notices);
  });
});

describe('refusals', () => {
  it('refuses an invalid section with 400 naming every problem, and changes nothing', async () => {
    const before = await getSection(hub, admin, 'catalog');
    const bad = structuredClone(before.body);
    bad.departments[3].center = 'atlantis';
    bad.windows[0].dept = 'nowhere.dept';
    bad.items[1].promisedDays = -2;
    bad.centers.push({ ...bad.centers[1] });
    const res = await putSection(hub, admin, 'catalog', bad, before.version!);
    expect(res.status).toBe(400);
    // the schema's problem first (a check of references needs a valid shape)
    expect(res.body).toMatchObject({ field: 'items.1.promisedDays' });
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['items.1.promisedDays']);
    bad.items[1].promisedDays = 2;
    const res2 = await putSection(hub, admin, 'catalog', bad, before.version!);
    expect(res2.status).toBe(400);
    expect(res2.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['centers.8.code', 'departments.3.center', 'windows.0.dept']));
    expect(res2.body.error).toBe(`${res2.body.field}: ${res2.body.issues[0].message}`);
    const after = await getSection(hub, admin, 'catalog');
    expect(after.version).toBe(before.version);
    expect(after.body).toEqual(before.body);
  });

  it('refuses alert thresholds for a department the catalog does not have', async () => {
    const before = await getSection(hub, admin, 'alerts');
    const res = await putSection(hub, admin, 'alerts', { ...before.body, departments: { 'nowhere.dept': { ticketWaitMinutes: 5 } } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'departments.nowhere.dept', message: 'department "nowhere.dept" is not in the catalog' }]);
    expect((await getSection(hub, admin, 'alerts')).version).toBe(before.version);
  });

  it('refuses to drop a department the alert thresholds name', async () => {
    const before = await getSection(hub, admin, 'catalog');
    const named = Object.keys((await getSection(hub, admin, 'alerts')).body.departments)[0]!;
    const bad = structuredClone(before.body);
    bad.departments = bad.departments.filter((d: { code: string }) => d.code !== named);
    bad.windows = bad.windows.filter((w: { dept: string }) => w.dept !== named);
    bad.items = bad.items.filter((i: { dept: string }) => i.dept !== named);
    bad.staff = bad.staff.filter((s: { dept: string }) => s.dept !== named);
    const keep = new Set(bad.staff.map((s: { code: string }) => s.code));
    for (const w of bad.windows) w.staff = w.staff.filter((s: string) => keep.has(s));
    const res = await putSection(hub, admin, 'catalog', bad);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(`"${named}" is named by the alerts section`);
  });

  it('gives the second of two admins editing the same section a 409 with the current version, and keeps the first one’s change', async () => {
    const a = await getSection(hub, admin, 'cockpit');
    const b = await getSection(hub, admin, 'cockpit');
    const first = await putSection(hub, admin, 'cockpit', { ...a.body, targets: { ...a.body.targets, earlyRate: 0.6 } }, a.version!);
    expect(first.status).toBe(200);
    const second = await putSection(hub, admin, 'cockpit', { ...b.body, targets: { ...b.body.targets, earlyRate: 0.7 } }, b.version!);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ field: 'If-Match', version: a.version! + 1 });
    expect(second.body.error).toContain('read it again');
    const now = await getSection(hub, admin, 'cockpit');
    expect(now.body.targets.earlyRate).toBe(0.6);
    expect((await api(hub, 'GET', '/api/v1/cockpit/config', { cookie: admin })).body.targets.earlyRate).toBe(0.6);
  });

  it('refuses an If-Match that is not a version', async () => {
    const got = await getSection(hub, admin, 'hall');
    const res = await fetch(`${hub.url}/api/v1/admin/config/hall`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', origin: hub.url, cookie: admin, 'if-match': 'yesterday' },
      body: JSON.stringify(got.body),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).field).toBe('If-Match');
  });

  it.each(['__proto__', 'constructor', 'Alerts', 'alerts%2F', 'toString', 'hasOwnProperty', '..%2Fcatalog'])(
    'answers 404 for the section "%s"',
    async (name) => {
      expect((await api(hub, 'GET', `/api/v1/admin/config/${name}`, { cookie: admin })).status).toBe(404);
      expect((await api(hub, 'PUT', `/api/v1/admin/config/${name}`, { cookie: admin, body: { notices: [] } })).status).toBe(404);
    },
  );

  it('answers 404 for a section with a trailing slash', async () => {
    expect((await api(hub, 'GET', '/api/v1/admin/config/alerts/', { cookie: admin })).status).toBe(404);
  });

  it('lets only admins read or write', async () => {
    expect((await api(hub, 'GET', '/api/v1/admin/config/hall')).status).toBe(401);
    expect((await api(hub, 'PUT', '/api/v1/admin/config/hall', { body: { notices: [] } })).status).toBe(401);
    await hub.auth.users.create({ username: 'leader1', password: 'leader1-password-long', role: 'leader', depts: [] });
    const { signIn } = await import('./config-hub.ts');
    const leader = await signIn(hub, 'leader1', 'leader1-password-long');
    expect((await api(hub, 'GET', '/api/v1/admin/config', { cookie: leader })).status).toBe(403);
    expect((await api(hub, 'PUT', '/api/v1/admin/config/hall', { cookie: leader, body: { notices: [] } })).status).toBe(403);
  });

  it('masks the notify secrets and keeps a secret the PUT sends masked', async () => {
    const got = await getSection(hub, admin, 'notify');
    const withSecret = { ...got.body, channels: { hook: { type: 'webhook', url: 'https://example.invalid/hook', secret: 'very-secret-value' } } };
    expect((await putSection(hub, admin, 'notify', withSecret)).status).toBe(200);
    const masked = await getSection(hub, admin, 'notify');
    expect(masked.body.channels.hook.secret).toBe('******');
    expect((await putSection(hub, admin, 'notify', masked.body, masked.version!)).status).toBe(200);
    expect(hub.config.current('notify').channels.hook).toMatchObject({ secret: 'very-secret-value' });
    const audit = await api(hub, 'GET', '/api/v1/audit?action=config.notify-changed', { cookie: admin });
    expect(JSON.stringify(audit.body)).not.toContain('very-secret-value');
    // a mask for a channel that has no secret is refused, naming the field
    const bad = await putSection(hub, admin, 'notify', {
      ...masked.body,
      channels: { other: { type: 'webhook', url: 'https://example.invalid/x', secret: '******' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('channels.other.secret');
  });
});

describe('seeding', () => {
  it('seeds a fresh Redis from the files once; a hub started later with another file keeps what Redis has', async () => {
    const p = testPrefix();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-seed-'));
    const alerts = JSON.parse(fs.readFileSync('config/alerts.json', 'utf8'));
    const file = path.join(dir, 'alerts.json');
    fs.writeFileSync(file, JSON.stringify({ ...alerts, defaults: { ...alerts.defaults, ticketWaitMinutes: 11 } }));
    const first = await startConfigHub(p, clock, { ALERTS_FILE: file });
    expect(first.config.current('alerts').defaults.ticketWaitMinutes).toBe(11);
    await first.stop();
    fs.writeFileSync(file, JSON.stringify({ ...alerts, defaults: { ...alerts.defaults, ticketWaitMinutes: 22 } }));
    const second = await startConfigHub(p, clock, { ALERTS_FILE: file });
    try {
      expect(second.config.current('alerts').defaults.ticketWaitMinutes).toBe(11);
      expect(second.config.version('alerts')).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('seeds notify from what the release before kept in Redis, not from the file (an upgrade keeps it)', async () => {
    const p = testPrefix();
    const stored = { channels: { hook: { type: 'webhook', url: 'https://example.invalid/kept' } }, contacts: {}, routes: [] };
    const redis = testRedis();
    await redis.set(`${p}notify:config`, JSON.stringify(stored));
    redis.disconnect();
    const upgraded = await startConfigHub(p, clock);
    try {
      expect(upgraded.config.current('notify').channels.hook).toMatchObject(stored.channels.hook);
    } finally {
      await upgraded.stop();
    }
  });

  it('refuses to start on a seed file that is not valid, naming the file and the place', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-seed-'));
    const file = path.join(dir, 'alerts.json');
    const alerts = JSON.parse(fs.readFileSync('config/alerts.json', 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...alerts, departments: { 'nowhere.dept': {} } }));
    await expect(startConfigHub(testPrefix(), clock, { ALERTS_FILE: file })).rejects.toThrow(`${file} at departments.nowhere.dept`);
  });
});
