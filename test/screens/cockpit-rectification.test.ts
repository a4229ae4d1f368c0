/**
 * The cockpit's 差评 tile carries the day's 整改率 (bad reviews followed up in time / bad reviews),
 * read from GET /api/v1/reviews/follow-ups, in Chromium against a real hub and Redis: two bad
 * reviews and a good one, one bad review followed up in time through the API → 50.0%.
 * Screenshot /tmp/shots/notify-rest/cockpit-rectification-1920.png.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { postEvents, testPrefix } from '../helpers/test-hub.ts';
import { allAlerts, api, ADMIN_PASSWORD, settle, signIn, startAlertHub, TestClock } from '../alerts/alert-hub.ts';
import { signInOnCockpit } from '../cockpit/cockpit-session.ts';

const SHOTS = '/tmp/shots/notify-rest';
const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const DEPT = 'yiyang.realestate';
const LEADER = { username: 'mayor-review', password: 'mayor-review-password', name: '王市长' };

describe('cockpit: 整改率 on the 差评 tile', () => {
  const clock = new TestClock(t('10:00'));
  let hub: Hub;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    hub = await startAlertHub(testPrefix(), clock);
    await hub.auth.users.create({ ...LEADER, role: 'leader', depts: [] });
    const ratings = [
      ev.rating(t('09:00'), 1, 'yiyang.w001', DEPT),
      ev.rating(t('09:10'), 2, 'yiyang.w001', DEPT),
      ev.rating(t('09:20'), 5, 'yiyang.w001', DEPT),
    ];
    expect((await postEvents(hub, 'rating', ratings)).status).toBe(202);
    await settle(hub);
    const [first] = (await allAlerts(hub)).filter((a) => a.rule === 'review');
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const res = await api(hub, 'POST', `/api/v1/reviews/${first!.id}/follow-up`, { cookie: admin, body: { result: '已联系-已整改', rerating: 4 } });
    expect(res.status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it("shows the day's 整改率 with the in-time and bad counts", async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC' });
    const page = await context.newPage();
    await signInOnCockpit(page, hub, LEADER, { at: clock.t });
    await page.waitForSelector('[data-cockpit-ready="1"]', { timeout: 60_000 });
    const tile = page.locator('[data-testid="tile-bad"]');
    await page.waitForSelector('[data-testid="tile-bad"][data-rectification]');
    expect(await tile.getAttribute('data-rectification')).toBe('500');
    expect(await tile.textContent()).toContain('整改率 50.0%（1/2）');
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/cockpit-rectification-1920.png`, animations: 'disabled' });
    await context.close();
  });
});
