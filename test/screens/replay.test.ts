/**
 * Screens opened with `?at=<time>` (time travel, docs/screens.md#replay): the hall shows the figures
 * of that moment (those of GET /api/v1/snapshot?at=), marked 回放 with the replayed time, and play
 * moves them forward. Screenshots of the hall and the cockpit (wall and phone) go to /tmp/shots/replay/.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Snapshot } from '../../common/snapshot.ts';
import { toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, layoutSettled, prepareScreens } from '../helpers/browser.ts';
import { getJson, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { HallFeed } from '../../support/hall-feed.ts';
import { signedIn } from '../cockpit/cockpit-session.ts';
import { feedMorning } from './hall-morning.ts';
import { hallShows, readHall } from './screen-probe.ts';

const SCOPE = 'center:yiyang';
const SHOTS = '/tmp/shots/replay';

/** The replayed instant the bar shows (`YYYY-MM-DD HH:mm:ss`, Asia/Shanghai). */
async function shownInstant(page: Page): Promise<number> {
  const text = (await page.textContent('[data-testid="replay-time"]'))!.trim();
  return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

describe('replay of a past moment on the screens (?at=)', () => {
  let hub: Hub;
  let browser: Browser;
  let from: number;
  let until: number;

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix());
    ({ from, until } = await feedMorning(hub, new HallFeed(7)));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('the hall shows the figures of that moment, marked 回放, and play moves them forward', async () => {
    // a whole second just after the feed's first calls (at 60% of it), well before its end
    const moment = Math.floor((from + (until - from) * 0.62) / 1000) * 1000;
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.goto(`${hub.url}/screens/hall?scope=${SCOPE}&at=${encodeURIComponent(toShanghaiIso(moment))}`);
    await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
    const then: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}&at=${moment}`);
    const live: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}`);
    expect(then.tickets.issued).toBeGreaterThan(0);
    expect(then.tickets.issued).toBeLessThan(live.tickets.issued); // the moment, not now
    await expect.poll(() => readHall(page), { timeout: 10_000 }).toEqual(hallShows(then));
    expect(await page.textContent('[data-testid="replay-mark"]')).toBe('回放');
    expect(await shownInstant(page)).toBe(moment);

    // play at 600×: ten minutes of the day a second, half an hour on, or half of what is left of
    // the morning fed (run just after midnight, the morning so far is short, and a replay stops at now)
    await page.click('[data-testid="replay-speed-600"]');
    await page.click('[data-testid="replay-play"]');
    const onward = Math.min(1800_000, Math.floor((until - moment) / 2));
    await expect.poll(() => shownInstant(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(moment + onward);
    await page.click('[data-testid="replay-play"]'); // pause
    const stopped = await shownInstant(page);
    const later: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}&at=${stopped}`);
    expect(later.tickets.issued).toBeGreaterThan(then.tickets.issued);
    await expect.poll(() => readHall(page), { timeout: 10_000 }).toEqual(hallShows(later));
    await layoutSettled(page, { width: 1920, height: 1080 });
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/hall-1920x1080.png` });
    await context.close();
  }, 90_000);

  it('a window LED strip shows the moment with the mark in a corner', async () => {
    const moment = Math.floor((from + (until - from) * 0.9) / 1000) * 1000;
    const then: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=window:yiyang.w005&at=${moment}`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 256 }, locale: 'zh-CN', timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.goto(`${hub.url}/screens/window/yiyang.w005?at=${moment}`);
    await page.waitForSelector('[data-testid="replay-mark"]');
    await expect.poll(() => page.getAttribute('[data-testid="window-screen"]', 'data-status'), { timeout: 10_000 }).toBe(then.window?.status);
    expect(await shownInstant(page)).toBe(moment);
    expect(await page.isVisible('[data-testid="replay-slider"]')).toBe(false);
    await layoutSettled(page, { width: 1280, height: 256 });
    await page.screenshot({ path: `${SHOTS}/window-1280x256.png` });
    await context.close();
  }, 90_000);

  it('the cockpit is marked 回放 on the wall and on a phone', async () => {
    const cookie = await signedIn(hub, 'leader-replay', 'leader');
    const moment = Math.floor((from + (until - from) / 2) / 1000) * 1000;
    const url = `${hub.url}/screens/cockpit?at=${encodeURIComponent(toShanghaiIso(moment))}`;
    for (const [name, options] of [
      ['cockpit-1920x1080', { viewport: { width: 1920, height: 1080 } }],
      ['cockpit-phone-390x844', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 }],
    ] as const) {
      const context = await browser.newContext({ ...options, locale: 'zh-CN', timezoneId: 'UTC' });
      await context.addCookies([{ name: cookie.split('=')[0]!, value: cookie.slice(cookie.indexOf('=') + 1), url: hub.url }]);
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector('[data-testid="replay-mark"]');
      expect(await shownInstant(page)).toBe(moment);
      // the wall is a design canvas; the phone page is not
      if ('isMobile' in options) {
        await page.waitForLoadState('networkidle');
        await page.waitForSelector('[data-testid="cockpit-phone"] article.card');
        // the bar is docked to the bottom edge and the page ends above it: no card under the bar, scrolled or not
        for (const scrolled of [false, true]) {
          const layout = await page.evaluate((toEnd) => {
            const page = document.querySelector<HTMLElement>('[data-testid="cockpit-phone"]')!;
            if (toEnd) page.scrollTop = page.scrollHeight;
            const bar = document.querySelector('[data-testid="replay-bar"]')!.getBoundingClientRect();
            const shown = page.getBoundingClientRect();
            const cards = [...page.querySelectorAll('article.card')].map((c) => c.getBoundingClientRect());
            return {
              barBottom: Math.round(innerHeight - bar.bottom),
              barWidth: Math.round(bar.width),
              barHeight: bar.height,
              pageAboveBar: shown.bottom <= bar.top + 0.5,
              // a card's visible part is inside the page's box
              covered: cards.filter((r) => Math.min(r.bottom, shown.bottom) > bar.top && r.top < bar.bottom).length,
              cards: cards.length,
            };
          }, scrolled);
          expect(layout).toMatchObject({ barBottom: 0, barWidth: options.viewport.width, pageAboveBar: true, covered: 0 });
          expect(layout.cards).toBeGreaterThan(4);
          expect(layout.barHeight).toBeLessThan(options.viewport.height * 0.15);
        }
        await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="cockpit-phone"]')!.scrollTo(0, 0));
      } else await layoutSettled(page, options.viewport);
      await animationsDone(page);
      await page.screenshot({ path: `${SHOTS}/${name}.png` });
      await context.close();
    }
  }, 90_000);
});
