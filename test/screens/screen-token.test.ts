import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { drained, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { HallFeed, HALL_WINDOWS } from '../../support/hall-feed.ts';
import { aCall, sendFeed } from './hall-morning.ts';

const TOKEN = 'window-five-token-01';
const W5 = HALL_WINDOWS.find((w) => w.number === 5)!;

describe('a wall screen on a hub with screen tokens', () => {
  let hub: Hub;
  let browser: ScreenBrowser;
  let ticket: string;

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { env: { SCREEN_TOKENS: `w5=${TOKEN}:window:${W5.code}` } });
    const feed = new HallFeed(7);
    const now = Date.now();
    const call = aCall(feed, W5, now);
    ticket = call.ticket;
    await sendFeed(hub, call.events);
    await drained(hub);
    browser = await launchScreenBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('reads its catalog and live data with the ?token= of its URL', async () => {
    const page = await browser.open(`${hub.url}/screens/window/${W5.code}?token=${TOKEN}`, { width: 1920, height: 1080 });
    await page.waitForSelector(`[data-testid="window-ticket"]:text("${ticket}")`);
    // the window name and department come from the catalog, read over HTTP with the token
    expect(await page.textContent('[data-testid="window-dept"]')).toBe('不动产登记中心');
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  });

  it('gets nothing without its token', async () => {
    const res = await fetch(`${hub.url}/api/v1/catalog`);
    expect(res.status).toBe(401);
  });
});
