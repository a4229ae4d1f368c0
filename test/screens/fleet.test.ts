/**
 * The screen fleet in Chromium against a real hub (docs/screens.md#the-fleet): a hall opened with
 * `?screen=` reports and is listed with its heap and frame rate; reload, navigate and identify
 * reach it within 2 s; a command for an offline screen waits for it; closing the page or the
 * browser turns it offline. Hostile ids, paths, commands and socket reports are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FleetAnswer, FleetCommand, FleetScreen } from '../../common/fleet.ts';
import type { Ack } from '../../common/live.ts';
import type { Hub } from '../../server/hub.ts';
import { api, type ApiAnswer } from '../alerts/alert-hub.ts';
import { auditEntries, signInFrom } from '../auth/auth-test-hub.ts';
import { launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { testNow } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { rawSocket } from '../realtime/live-helpers.ts';
import { reportingScreen, screenReport } from './fleet-screens.ts';

const ADMIN_PASSWORD = 'admin-pass-fleet-01';
/** Short, so "silent for the online window" is seconds, not the real 90 s. */
const ONLINE_MS = 3000;
const SHOTS = '/tmp/shots/fleet';

let hub: Hub;
let cookie: string;
let browser: ScreenBrowser;
let page: Page;

/** The admin's call to the hub. */
const call = (method: string, path: string, body?: unknown): Promise<ApiAnswer> => api(hub, method, path, { cookie, body });

async function screenOf(id: string): Promise<FleetScreen | undefined> {
  const { status, body } = await call('GET', '/api/v1/screens');
  expect(status).toBe(200);
  return (body as FleetAnswer).screens.find((s) => s.id === id);
}

/** A page.evaluate that may run into a navigation: null while the page is between documents. */
async function evaluateSafe<T>(p: Page, fn: () => T): Promise<T | null> {
  try {
    return await p.evaluate(fn);
  } catch {
    return null;
  }
}

beforeAll(async () => {
  await prepareScreens();
  hub = await startTestHub(testPrefix(), { now: testNow, env: { ADMIN_PASSWORD }, fleet: { onlineMs: ONLINE_MS } });
  cookie = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
  browser = await launchScreenBrowser();
  page = await browser.open(`${hub.url}/screens/hall?screen=hall-1&reportEvery=1`, { width: 1920, height: 1080 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('screen fleet', () => {
  it('lists a hall opened with ?screen= with its page, canvas, heap and frame rate', async () => {
    const s = await waitFor('hall-1 reported with its fps', async () => {
      const found = await screenOf('hall-1');
      return found?.fps !== null && found?.fps !== undefined && found.canvas !== null ? found : undefined;
    });
    expect(s).toMatchObject({
      id: 'hall-1',
      group: 'hall',
      online: true,
      via: 'param',
      canvas: { w: 1920, h: 1080 },
      viewport: { w: 1920, h: 1080 },
      reconnects: 0,
    });
    expect(s.page).toBe('/screens/hall?screen=hall-1&reportEvery=1');
    expect(s.scopes).toEqual(['center:yiyang']);
    expect(s.heapMB).toBeGreaterThan(0);
    expect(s.heapLimitMB).toBeGreaterThan(s.heapMB!);
    expect(s.fps).toBeGreaterThan(0);
    expect(s.build).toMatch(/^hall-/);
    expect(Date.parse(s.lastSeen)).toBeGreaterThan(testNow() - 10_000);
    // the hall shows live data, so its last update is seconds old at most
    expect(s.lastUpdateAgeS).not.toBeNull();
    expect(s.lastUpdateAgeS!).toBeLessThan(10);
  });

  it('reloads the screen on `reload`, delivered within 2 s and audited', async () => {
    await page.evaluate(() => ((window as unknown as { ygMarker: number }).ygMarker = 1));
    const origin = await page.evaluate(() => performance.timeOrigin);
    const t0 = Date.now();
    const { status, body } = await call('POST', '/api/v1/screens/hall-1/commands', { command: 'reload' });
    expect(status).toBe(200);
    const command = body.command as FleetCommand;
    expect(command).toMatchObject({ screen: 'hall-1', command: 'reload', status: 'delivered', by: 'admin' });
    expect(command.expiresAt - command.issuedAt).toBe(10 * 60_000);
    expect(Date.now() - t0).toBeLessThan(2500);
    await waitFor('a new document', async () => {
      const after = await evaluateSafe(page, () => ({ marker: (window as unknown as { ygMarker?: number }).ygMarker, origin: performance.timeOrigin }));
      return after !== null && after.marker === undefined && after.origin !== origin;
    });
    const audit = await auditEntries(hub, 'screen.command');
    expect(audit.at(-1)).toMatchObject({ actor: 'admin', target: 'hall-1', detail: { command: 'reload', id: command.id } });
    // the reloaded page reports again and does not run the same reload twice
    await waitFor('hall-1 back online', async () => (await screenOf('hall-1'))?.online);
    const { body: detail } = await call('GET', '/api/v1/screens/hall-1/commands');
    expect(detail.commands.find((c: FleetCommand) => c.id === command.id)).toMatchObject({ status: 'delivered' });
  });

  it('shows its id large on `identify`, for the group too', async () => {
    const { status, body } = await call('POST', '/api/v1/screens/commands', { command: 'identify', group: 'hall' });
    expect(status).toBe(200);
    expect((body.commands as FleetCommand[]).map((c) => [c.screen, c.status])).toEqual([['hall-1', 'delivered']]);
    const overlay = page.locator('[data-testid="fleet-identify-overlay"]');
    await overlay.waitFor({ timeout: 2000 });
    expect((await overlay.innerText()).replace(/\s+/g, ' ').trim()).toBe('屏幕 hall-1');
    await page.screenshot({ path: `${SHOTS}/identify-1920x1080.png` });

    // a window's LED strip, named by its URL too
    const strip = await browser.open(`${hub.url}/screens/window/5?screen=win-5&reportEvery=1`, { width: 1280, height: 256 });
    await waitFor('win-5 reported', async () => (await screenOf('win-5'))?.online);
    expect((await call('POST', '/api/v1/screens/win-5/commands', { command: 'identify' })).body.command.status).toBe('delivered');
    await strip.locator('[data-testid="fleet-identify-overlay"]').waitFor({ timeout: 2000 });
    await strip.screenshot({ path: `${SHOTS}/identify-window-1280x256.png` });
    await strip.close();
  });

  it('moves the screen on `navigate`, keeping its name', async () => {
    const { status, body } = await call('POST', '/api/v1/screens/hall-1/commands', { command: 'navigate', path: '/screens/window/5' });
    expect(status).toBe(200);
    expect(body.command).toMatchObject({ command: 'navigate', path: '/screens/window/5', status: 'delivered' });
    await page.waitForURL(/\/screens\/window\/5\?/, { timeout: 5000 });
    const url = new URL(page.url());
    expect(url.searchParams.get('screen')).toBe('hall-1');
    expect(url.searchParams.get('reportEvery')).toBe('1');
    await waitFor('the fleet shows the window page', async () => (await screenOf('hall-1'))?.page.startsWith('/screens/window/5'));
  });

  it('turns a closed page offline, queues a command for it and delivers it when it returns', async () => {
    await page.close();
    await waitFor('hall-1 offline', async () => (await screenOf('hall-1'))?.online === false);
    const { body } = await call('POST', '/api/v1/screens/hall-1/commands', { command: 'identify' });
    const queued = body.command as FleetCommand;
    expect(queued.status).toBe('pending');
    expect((await screenOf('hall-1'))?.pendingCommands).toBe(1);

    page = await browser.open(`${hub.url}/screens/hall?screen=hall-1&reportEvery=1`, { width: 1280, height: 256 });
    await page.locator('[data-testid="fleet-identify-overlay"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/identify-led-1280x256.png` });
    await waitFor('the queued command delivered', async () => {
      const { body: detail } = await call('GET', '/api/v1/screens/hall-1/commands');
      return detail.commands.find((c: FleetCommand) => c.id === queued.id)?.status === 'delivered';
    });
    expect((await screenOf('hall-1'))?.pendingCommands).toBe(0);
  });

  it('turns a screen offline once silent for the online window', async () => {
    const { socket, close } = await reportingScreen(hub.url, screenReport({ id: 'probe-1', viewport: { w: 800, h: 600 } }));
    expect(await screenOf('probe-1')).toMatchObject({ online: true, group: 'probe' });
    // connected but silent: offline after ONLINE_MS (the time is what is tested)
    await waitFor('probe-1 offline', async () => (await screenOf('probe-1'))?.online === false, ONLINE_MS + 5000, 200);
    expect(socket.connected).toBe(true);
    close();
  });

  it('refuses bad ids, paths and commands with the field at fault', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/v1/screens/bad%20id/commands', { command: 'reload' }, 'id'],
      [`/api/v1/screens/${'x'.repeat(65)}/commands`, { command: 'reload' }, 'id'],
      ['/api/v1/screens/hall-1/commands', { command: 'shutdown' }, 'command'],
      ['/api/v1/screens/hall-1/commands', {}, 'command'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: '//evil.com/screens/hall' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: 'javascript:alert(1)' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: '/screens/../api/v1/screens' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: '/screens/%2e%2e/api' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: '/screens//evil.com' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: 'https://evil.com/screens/hall' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'navigate', path: '/screens/hall\\..\\api' }, 'path'],
      ['/api/v1/screens/hall-1/commands', { command: 'reload', extra: 1 }, 'command'],
      ['/api/v1/screens/commands', { command: 'reload' }, 'group'],
      ['/api/v1/screens/commands', { command: 'reload', group: 'hall', ids: ['hall-1'] }, 'group'],
      ['/api/v1/screens/commands', { command: 'reload', ids: ['bad id'] }, 'ids.0'],
      ['/api/v1/screens/commands', { command: 'reboot', group: 'hall' }, 'command'],
    ];
    for (const [path, body, field] of cases) {
      const res = await call('POST', path, body);
      expect({ path, body, status: res.status, field: res.body?.field }).toEqual({ path, body, status: 400, field });
    }
    expect(await call('POST', '/api/v1/screens/nobody/commands', { command: 'reload' })).toMatchObject({ status: 404, body: { field: 'id' } });
    expect(await call('POST', '/api/v1/screens/commands', { command: 'reload', group: 'nogroup' })).toMatchObject({ status: 404, body: { field: 'group' } });
    expect(await call('POST', '/api/v1/screens/commands', { command: 'reload', ids: ['hall-1', 'nobody'] })).toMatchObject({
      status: 404,
      body: { field: 'ids' },
    });
    // admins only; the hall's config keeps its own route
    expect((await fetch(`${hub.url}/api/v1/screens`)).status).toBe(401);
    expect((await fetch(`${hub.url}/api/v1/screens/hall`)).status).toBe(200);
  });

  it('answers malformed socket reports with an error and keeps serving', async () => {
    const socket = rawSocket(hub.url);
    await waitFor('connected', () => socket.connected);
    const send = (report: unknown): Promise<Ack> => socket.timeout(5000).emitWithAck('screen:report', report);
    const good = screenReport();
    const bad: unknown[] = [
      null,
      'report',
      [],
      { ...good, id: 'x/../y' },
      { ...good, id: 'ok-1', heapMB: -1 },
      { ...good, id: 'ok-1', fps: 'fast' },
      { ...good, id: 'ok-1', page: 'p'.repeat(400) },
      { ...good, id: 'ok-1', scopes: Array.from({ length: 40 }, () => 'city') },
      { ...good, id: 'ok-1', __proto__: { admin: true }, constructor: 'x' },
      { ...good }, // no id and no token: nothing to name it by
    ];
    for (const report of bad) {
      const ack = await send(report);
      expect(ack.ok, JSON.stringify(report)).toBe(false);
      // reports are taken at most once a second per socket; a refused one does not count
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await send({ ...good, id: 'ok-1' })).toEqual({ ok: true });
    expect(await send({ ...good, id: 'ok-1' })).toMatchObject({ ok: false, error: expect.stringContaining('once a second') });
    expect(await socket.timeout(5000).emitWithAck('screen:ack', { id: 'no-such-command' })).toEqual({ ok: true });
    socket.close();
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect((await screenOf('ok-1'))?.page).toBe('/screens/hall');
    expect(await screenOf('x/../y')).toBeUndefined();
  });

  it('shows the fleet on the admin console board, and its buttons send commands', async () => {
    await waitFor('hall-1 online', async () => (await screenOf('hall-1'))?.online);
    const signedIn = await browser.context.request.post(`${hub.url}/api/v1/session`, {
      data: { username: 'admin', password: ADMIN_PASSWORD },
      headers: { origin: hub.url },
    });
    expect(signedIn.status()).toBe(200);
    // an offline screen with a command waiting for it
    expect((await call('POST', '/api/v1/screens/probe-1/commands', { command: 'reload' })).body.command.status).toBe('pending');
    const board = await browser.open(`${hub.url}/screens/admin#screens`, { width: 1920, height: 1080 });
    const row = board.locator('[data-testid="fleet-row"][data-screen="hall-1"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-online')).toBe('true');
    expect(await board.locator('[data-testid="fleet-group"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).toEqual([
      'hall',
      'ok',
      'probe',
      'win',
    ]);
    const { online, offline } = (await call('GET', '/api/v1/screens')).body as FleetAnswer;
    expect(await board.getByTestId('fleet-online').innerText()).toBe(`在线 ${online}`);
    expect(await board.getByTestId('fleet-offline').innerText()).toBe(`离线 ${offline}`);
    expect(await row.getByTestId('fleet-heap').innerText()).toMatch(/^\d+ MB$/);
    const probe = board.locator('[data-testid="fleet-row"][data-screen="probe-1"]');
    expect(await probe.getAttribute('data-online')).toBe('false');
    expect(await probe.getByTestId('fleet-pending').innerText()).toBe('1 条待送达');

    await board.getByTestId('fleet-sort-heap').click();
    await row.getByTestId('fleet-identify').click();
    await page.locator('[data-testid="fleet-identify-overlay"]').waitFor({ timeout: 2000 });
    await board.getByTestId('fleet-notice').waitFor();
    expect(await board.getByTestId('fleet-notice').innerText()).toBe('已向 hall-1 发送「定位」');
    await board.screenshot({ path: `${SHOTS}/board-1920x1080.png` });

    // navigate from the board: the path field, then 跳转
    await row.getByTestId('fleet-navigate').click();
    await board.getByTestId('fleet-nav-path').fill('/screens/hall?scope=center:heshan');
    await board.getByTestId('fleet-nav-go').click();
    await page.waitForURL(/scope=center%3Aheshan|scope=center:heshan/, { timeout: 5000 });
    expect(new URL(page.url()).searchParams.get('screen')).toBe('hall-1');
    await board.close();
  });

  it('turns the screen offline when the browser closes', async () => {
    await waitFor('hall-1 online', async () => (await screenOf('hall-1'))?.online);
    await browser.close();
    await waitFor('hall-1 offline', async () => (await screenOf('hall-1'))?.online === false);
  });
});
