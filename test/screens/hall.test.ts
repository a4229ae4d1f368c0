import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Snapshot } from '../../common/snapshot.ts';
import type { Hub } from '../../server/hub.ts';
import { layoutSettled, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { getJson, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { HallFeed } from '../../support/hall-feed.ts';
import { hallOnMorning, sendFeed as send } from './hall-morning.ts';
import { cutOffText, hallShows, readHall } from './screen-probe.ts';

const SCOPE = 'center:yiyang';

describe('hall LED wall (/screens/hall)', () => {
  const prefix = testPrefix();
  const feed = new HallFeed(11);
  let hub: Hub;
  let browser: ScreenBrowser;
  let page: Page;

  beforeAll(async () => {
    await prepareScreens();
    ({ hub, browser, page } = await hallOnMorning(prefix, feed));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows the same numbers as GET /api/v1/snapshot for its scope', async () => {
    const snap: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}`);
    expect(snap.tickets.issued).toBeGreaterThan(100); // the seed really landed
    await expect.poll(() => readHall(page), { timeout: 5000 }).toEqual(hallShows(snap));
  });

  it('shows a called ticket within a second of its acceptance by the hub', async () => {
    await send(hub, [feed.issue(Date.now() - 1000, 'yiyang.realestate')]);
    const events = feed.callNext(Date.now(), 'yiyang.w005');
    const ticket = String(events.find((e) => e.event.type === 'ticket.called')!.event.ticket);
    const t0 = Date.now();
    await send(hub, events);
    // Wait longer than the goal so a miss reports the real latency instead of a bare timeout.
    await page.waitForSelector(`[data-testid="call-latest"][data-ticket="${ticket}"]`, { timeout: 5000 });
    const elapsed = Date.now() - t0;
    const text = await page.getAttribute('[data-testid="call-latest"]', 'aria-label');
    expect(text).toBe(`请 ${ticket} 号到 5 号窗口`);
    expect(elapsed).toBeLessThan(1000);
    // it glows (levels stepped by timers, not a running animation), then stops glowing
    await page.waitForSelector(`[data-testid="call-latest"][data-ticket="${ticket}"].highlighted.glow-3`, { timeout: 10_000 });
    await page.waitForSelector(`[data-testid="call-latest"][data-ticket="${ticket}"]:not(.highlighted)`, { timeout: 15_000 });
    expect(await page.getAttribute('[data-testid="call-latest"]', 'class')).not.toMatch(/glow-/);
  });

  it('fits every text in its box at 1920x1080, 3840x2160, 3840x1080, 5760x1080 and 1920x540, and saves screenshots', async () => {
    const problems: string[] = [];
    for (const [width, height] of [
      [1920, 1080],
      [3840, 2160],
      [3840, 1080],
      [5760, 1080],
      [1920, 540],
    ] as const) {
      await page.setViewportSize({ width, height });
      await layoutSettled(page, { width, height }); // the throttled resize, then the charts'
      await browser.screenshot(page, `hall-${width}x${height}`);
      problems.push(...(await cutOffText(page)).map((p) => `${width}x${height} ${p}`));
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    expect(problems).toEqual([]);
  }, 120_000);

  it('renders at a size forced from the URL (?w=5760&h=1080) in a smaller window', async () => {
    const p = await browser.open(`${hub.url}/screens/hall?w=5760&h=1080`, { width: 1920, height: 1080 });
    await p.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
    expect(await p.getAttribute('.yg-viewport', 'data-variant')).toBe('wide');
    const box = await p.evaluate(() => document.querySelector('.yg-viewport')!.getBoundingClientRect().width);
    expect(box).toBe(5760);
    await p.close();
  }, 60_000);

  it('logs no console errors while it runs', async () => {
    expect(browser.errors.get(page)).toEqual([]);
  });

  it('says the data is late when the hub stops, and recovers alone when a hub is back on the same port', async () => {
    const port = hub.port;
    expect(await page.locator('[data-testid="stale-banner"]').count()).toBe(0);
    await hub.stop();
    await page.waitForSelector('[data-testid="stale-banner"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="stale-banner"]')).toMatch(/数据延迟 · 最后更新 \d\d:\d\d:\d\d/);
    expect(await page.getAttribute('[data-testid="hall"]', 'class')).toContain('yg-stale');
    await browser.screenshot(page, 'hall-stale-1920x1080');

    hub = await startTestHub(prefix, { env: { PORT: String(port) } });
    await page.waitForSelector('[data-testid="stale-banner"]', { state: 'detached', timeout: 30_000 });
    // Live again: a new call shows up.
    await send(hub, [feed.issue(Date.now() - 500, 'yiyang.market')]);
    const events = feed.callNext(Date.now(), 'yiyang.w010');
    const ticket = String(events.find((e) => e.event.type === 'ticket.called')!.event.ticket);
    await send(hub, events);
    await page.waitForSelector(`[data-testid="call-latest"][data-ticket="${ticket}"]`, { timeout: 3000 });
  }, 60_000);

  it("boots from the snapshot it kept, marked with its age, when the hub's data is unreachable", async () => {
    const p = await browser.context.newPage();
    await p.setViewportSize({ width: 1920, height: 1080 });
    // The page itself loads; the live connection and the API do not (hub up, data path down).
    await p.routeWebSocket(/socket\.io/, (ws) => ws.close());
    await p.route('**/api/v1/**', (route) => route.abort());
    await p.goto(`${hub.url}/screens/hall`);
    await p.waitForSelector('[data-testid="stale-banner"]');
    expect(await p.textContent('[data-testid="stale-banner"]')).toMatch(/离线数据 · \d+(秒|分钟)前/);
    expect(Number(await p.getAttribute('[data-testid="kpi-accepted"]', 'data-value'))).toBeGreaterThan(0);
    await browser.screenshot(p, 'hall-cached-1920x1080');
    await p.close();
  });
});
