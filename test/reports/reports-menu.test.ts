/**
 * The cockpit's 报表 menu in Chromium against a real hub: the kept reports of the shown scope are
 * listed with their Excel and PDF links, next to the on-demand 日报 and 月报 of the shown day.
 * Screenshot /tmp/shots/reports/cockpit-reports-menu-1920.png.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { startReportScheduler } from '../../server/reports/report-schedule.ts';
import { createReportStore } from '../../server/reports/report-store.ts';
import { signInOnCockpit } from '../cockpit/cockpit-session.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, at, fixedClock } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const SHOTS = '/tmp/shots/reports';
const LEADER = { username: 'mayor-reports', password: 'mayor-reports-password', name: '王市长' };

describe('cockpit: 报表 menu', () => {
  const now = fixedClock('18:30');
  let hub: Hub;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now });
    await hub.auth.users.create({ ...LEADER, role: 'leader', depts: [] });
    expect((await postEvents(hub, 'rating', [ev.rating(at('09:00'), 5), ev.rating(at('09:10'), 1)])).status).toBe(202);
    await drained(hub, 30_000);
    const deps = {
      redis: hub.redis,
      keys: hub.keys,
      catalog: hub.catalog,
      now,
      config: () => hub.config.current('cockpit'),
      log: createLogger('silent'),
      store: createReportStore(hub.redis, hub.keys.prefix, now),
    };
    const scheduler = startReportScheduler(deps, { dailyAtMinute: 18 * 60, monthlyAtMinute: 8 * 60, checkMs: 3_600_000 });
    try {
      expect((await scheduler.check()).length).toBeGreaterThan(0);
    } finally {
      await scheduler.stop();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('lists the kept reports of the scope with their files', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC' });
    const page = await context.newPage();
    await signInOnCockpit(page, hub, LEADER, { at: now() });
    await page.waitForSelector('[data-cockpit-ready="1"]', { timeout: 60_000 });
    await page.click('[data-testid="reports-toggle"]');
    await page.waitForSelector('[data-testid="kept-report"]');
    const rows = page.locator('[data-testid="kept-report"]');
    // the city's 日报 of today and 月报 of last month
    expect(await rows.count()).toBe(2);
    const texts = await rows.allTextContents();
    expect(texts.some((t) => t.includes(`${TODAY} 日报`))).toBe(true);
    expect(texts.some((t) => t.includes('月报'))).toBe(true);
    const pdf = await rows.first().locator('a', { hasText: 'PDF' }).getAttribute('href');
    expect(pdf).toMatch(/^\/api\/v1\/reports\/kept\/(daily|monthly)~city~/);
    // the link answers the file to the signed-in leader
    const status = await page.evaluate(async (href) => (await fetch(href.replace('format=pdf', 'format=json'))).status, pdf!);
    expect(status).toBe(200);
    const menu = page.locator('[data-testid="reports-menu"]');
    expect(await menu.textContent()).toContain(`${TODAY} 日报`);
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/cockpit-reports-menu-1920.png`, animations: 'disabled' });
    await context.close();
  }, 120_000);
});
