/**
 * The window LED shows a call as soon as it arrives over /live (请 B417 号), the number while the
 * ticket is served, and clears when it is finished or missed; a recall shows it again. Real hub,
 * real Redis, real Chromium; events through the ingest API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { HALL_WINDOWS } from '../../support/hall-feed.ts';
import { animationsDone, launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { ev } from '../helpers/events.ts';
import { testNow } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { cutOffText } from './screen-probe.ts';

const W = HALL_WINDOWS.find((w) => w.number === 7)!;
const now = () => toShanghaiIso(testNow());

describe('window LED: the call (/screens/window/<code>)', () => {
  let hub: Hub;
  let browser: ScreenBrowser;

  async function send(...events: Record<string, unknown>[]): Promise<number> {
    const t0 = Date.now();
    for (const e of events) {
      const { status, body } = await postEvents(hub, e.source as 'queue' | 'window', [e]);
      expect(status).toBe(202);
      expect(body.rejected, JSON.stringify(body.rejected)).toEqual([]);
    }
    return t0;
  }
  const callText = (page: Page) => page.getAttribute('[data-testid="window-call"]', 'aria-label');

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: testNow });
    await send(ev.windowStatus(now(), 'open', W.code, W.dept), ev.issued(now(), 'B417', W.dept), ev.issued(now(), 'B418', W.dept));
    await drained(hub);
    browser = await launchScreenBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows 请 B417 号 on the strip within a second of the call, the number while served, 空闲 once finished', async () => {
    const page = await browser.open(`${hub.url}/screens/window/${W.code}`, { width: 640, height: 160 });
    await page.waitForSelector('[data-testid="window-status"]:text("空闲")');
    const t0 = await send(ev.called(now(), 'B417', W.code));
    await page.waitForSelector('[data-testid="window-call"]', { timeout: 5000 });
    const latency = Date.now() - t0;
    expect(await callText(page)).toBe('请 B417 号');
    expect(latency).toBeLessThan(1000);
    await animationsDone(page);
    expect(await cutOffText(page)).toEqual([]);
    await browser.screenshot(page, 'window-call-strip-640x160');

    const small = await browser.open(`${hub.url}/screens/window/${W.number}`, { width: 320, height: 64 });
    await small.waitForSelector('[data-testid="window-call"]');
    expect(await callText(small)).toBe('请 B417 号');
    await animationsDone(small);
    expect(await cutOffText(small)).toEqual([]);
    await browser.screenshot(small, 'window-call-strip-320x64');
    await small.close();

    await send(ev.started(now(), 'B417', W.code), ev.windowStatus(now(), 'serving', W.code, W.dept));
    await page.waitForSelector('[data-testid="window-screen"][data-ticket-state="serving"] [data-testid="window-ticket"]:text("B417")', { timeout: 5000 });
    expect(await page.locator('[data-testid="window-call"]').count()).toBe(0);

    await send(ev.finished(now(), 'B417', W.code), ev.windowStatus(now(), 'open', W.code, W.dept));
    await page.waitForSelector('[data-testid="window-status"]:text("空闲")', { timeout: 5000 });
    expect(await page.locator('[data-testid="window-ticket"]').count()).toBe(0);
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  });

  it('shows the call on the panel, clears it on a no-show, and shows a recall again', async () => {
    const page = await browser.open(`${hub.url}/screens/window/${W.code}`, { width: 1920, height: 1080 });
    await page.waitForSelector('[data-testid="window-status"]:text("空闲")');
    await send(ev.called(now(), 'B418', W.code));
    await page.waitForSelector('[data-testid="window-call"]', { timeout: 5000 });
    expect(await callText(page)).toBe('请 B418 号');
    expect(await page.locator('.panel-label').count()).toBe(0); // 请 … 号 says it all, in the room a label would take
    expect(await page.textContent('[data-testid="window-chip"]')).toBe('叫号中');
    await animationsDone(page);
    expect(await cutOffText(page)).toEqual([]);
    await browser.screenshot(page, 'window-call-panel-1920x1080');

    await send({ ...ev.finished(now(), 'B418', W.code), type: 'ticket.noshow' });
    await page.waitForSelector('[data-testid="window-status"]:text("空闲")', { timeout: 5000 });
    await send(ev.called(now(), 'B418', W.code));
    await page.waitForSelector('[data-testid="window-call"]', { timeout: 5000 });
    expect(await callText(page)).toBe('请 B418 号');
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  });
});
