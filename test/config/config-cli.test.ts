/**
 * `npm run admin -- config export|import` (docs/admin.md), run as the CLI process against the
 * hub's Redis: export writes the files of config/; an edited export imported is what the API then
 * answers, on a hub that was running all along; an import with problems lists them all and stores
 * nothing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { TestClock } from '../alerts/alert-hub.ts';
import { at } from '../helpers/test-clock.ts';
import { redisPort, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { adminCookie, api, getSection, startConfigHub } from './config-hub.ts';

const prefix = testPrefix();
let hub: Hub;
let admin: string;
const env = { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort()}`, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' };
const cli = (...args: string[]) => promisify(execFile)('node_modules/.bin/tsx', ['scripts/admin.ts', 'config', ...args], { env });
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file: string, v: unknown) => fs.writeFileSync(file, JSON.stringify(v, null, 2));

beforeAll(async () => {
  hub = await startConfigHub(prefix, new TestClock(at('10:00')));
  admin = await adminCookie(hub);
});
afterAll(async () => {
  await hub?.stop();
});

describe('config export and import', () => {
  it('exports every section as the files of config/, the catalog as its five files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-export-'));
    const out = (await cli('export', '--dir', dir)).stdout;
    expect(out).toContain(`hall v1 → ${path.join(dir, 'hall.json')}`);
    for (const list of ['centers', 'departments', 'windows', 'items', 'staff'])
      expect(readJson(path.join(dir, 'catalog', `${list}.json`))).toEqual(readJson(path.resolve('config/catalog', `${list}.json`)));
    for (const [file, section] of [
      ['alerts.json', 'alerts'],
      ['holidays.json', 'holidays'],
      ['hall.json', 'hall'],
      ['coverage.json', 'cockpit'],
      ['notify.json', 'notify'],
      ['playlists.json', 'playlists'],
    ] as const) {
      expect(readJson(path.join(dir, file))).toEqual((await getSection(hub, admin, section)).body);
      // what the hub was seeded with, so an export of a fresh deployment reproduces config/
      expect(readJson(path.join(dir, file))).toEqual(readJson(path.resolve('config', file)));
    }
  });

  it('imports an edited export: the running hub answers the new sections, audited as the CLI user', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-import-'));
    await cli('export', '--dir', dir);
    const hall = readJson(path.join(dir, 'hall.json'));
    writeJson(path.join(dir, 'hall.json'), { ...hall, notices: [{ tag: '公告', text: '从文件导入的公告' }] });
    const alerts = readJson(path.join(dir, 'alerts.json'));
    writeJson(path.join(dir, 'alerts.json'), { ...alerts, defaults: { ...alerts.defaults, serviceMinutes: 45 } });
    const before = (await getSection(hub, admin, 'hall')).version!;
    const out = (await cli('import', '--dir', dir)).stdout;
    expect(out).toContain(`hall → v${before + 1}`);
    await waitFor('the hub to apply the import', () => hub.config.version('hall') === before + 1, 2000, 5);
    expect((await api(hub, 'GET', '/api/v1/screens/hall')).body.notices).toEqual([{ tag: '公告', text: '从文件导入的公告' }]);
    expect((await getSection(hub, admin, 'alerts')).body.defaults.serviceMinutes).toBe(45);
    const audit = await api(hub, 'GET', '/api/v1/audit?action=config.', { cookie: admin });
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['config.hall-changed', 'config.alerts-changed', 'config.catalog-changed']));
    expect(audit.body.entries[0].actor).toBe(`cli:${os.userInfo().username}`);
  });

  it('imports one section with --section', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-import-'));
    await cli('export', '--dir', dir);
    writeJson(path.join(dir, 'hall.json'), { notices: [{ tag: '提示', text: '只导入大厅' }] });
    const versions = Object.fromEntries(
      (await api(hub, 'GET', '/api/v1/admin/config', { cookie: admin })).body.sections.map((s: any) => [s.section, s.version]),
    );
    await cli('import', '--dir', dir, '--section', 'hall');
    const after = Object.fromEntries((await api(hub, 'GET', '/api/v1/admin/config', { cookie: admin })).body.sections.map((s: any) => [s.section, s.version]));
    expect(after).toEqual({ ...versions, hall: versions.hall + 1 });
  });

  it('refuses an import with problems, listing each with its file, and stores nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-import-'));
    await cli('export', '--dir', dir);
    const alerts = readJson(path.join(dir, 'alerts.json'));
    writeJson(path.join(dir, 'alerts.json'), { ...alerts, departments: { 'nowhere.dept': { ticketWaitMinutes: 3 } } });
    const depts = readJson(path.join(dir, 'catalog/departments.json'));
    depts[2].center = 'atlantis';
    writeJson(path.join(dir, 'catalog/departments.json'), depts);
    writeJson(path.join(dir, 'hall.json'), { notices: [{ tag: '', text: '没有标签' }] });
    const versions = (await api(hub, 'GET', '/api/v1/admin/config', { cookie: admin })).body.sections;
    const failed = await cli('import', '--dir', dir).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('nothing imported');
    expect(failed?.stderr).toContain(`${path.join(dir, 'hall.json')} at notices.0.tag`);
    // the schema's problems first: the references are checked once every file reads
    writeJson(path.join(dir, 'hall.json'), { notices: [] });
    const failed2 = await cli('import', '--dir', dir).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed2?.stderr).toContain(`${path.join(dir, 'catalog', 'departments.json')} at 2.center: unknown center "atlantis"`);
    expect(failed2?.stderr).toContain(`${path.join(dir, 'alerts.json')} at departments.nowhere.dept`);
    expect((await api(hub, 'GET', '/api/v1/admin/config', { cookie: admin })).body.sections).toEqual(versions);
  });

  it('refuses an unknown section or action', async () => {
    await expect(cli('import', '--section', 'Alerts')).rejects.toMatchObject({ stderr: expect.stringContaining('--section must be one of') });
    await expect(cli('sync')).rejects.toMatchObject({ stderr: expect.stringContaining('config needs export or import') });
  });
});
