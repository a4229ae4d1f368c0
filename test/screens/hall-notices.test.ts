/**
 * The hall's notices: a page at a time (翻页) on every wall, scrolling with `?notices=scroll`
 * (screens/hall/notice-pages.ts), each page fitting the footer and every notice shown whole, in
 * order. The page's clock is Playwright's (installed before the page loads, running at real speed)
 * so a page's reading time is skipped instead of waited for.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { HallScreenConfig } from '../../common/hall.ts';
import type { Hub } from '../../server/hub.ts';
import { ARTIFACTS, launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { getJson, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const NOTICES = '[data-testid="notices"]';
const SHOWN = '[data-testid="notice-page"]:not(.flip-leave-active)';

describe('hall notices (pages, or a marquee with ?notices=scroll)', () => {
  const prefix = testPrefix();
  let hub: Hub;
  let browser: ScreenBrowser;

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(prefix);
    browser = await launchScreenBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  async function openHall(query: string, size: { width: number; height: number }): Promise<Page> {
    const page = await browser.context.newPage();
    await page.clock.install();
    await page.setViewportSize(size);
    await page.goto(`${hub.url}/screens/hall${query}`, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
    return page;
  }

  const modeOf = (page: Page) => page.$eval(NOTICES, (el) => (el as HTMLElement).dataset.mode ?? 'scroll');

  it('shows every notice whole, in order, a page at a time at 3840x2160, each page inside the footer', async () => {
    const { notices } = (await getJson(hub, '/api/v1/screens/hall')) as HallScreenConfig;
    expect(notices.length).toBeGreaterThan(1);
    const page = await openHall('', { width: 3840, height: 2160 });
    try {
      const count = await waitFor('the notices as pages', () => page.$eval(NOTICES, (el) => Number((el as HTMLElement).dataset.pages)));
      expect(await modeOf(page)).toBe('pages');
      expect(count).toBeGreaterThanOrEqual(notices.length);
      const shown: { key: string; tag: string; text: string }[] = [];
      for (let i = 0; i < count; i++) {
        const key = await waitFor(`page ${i}`, async () => {
          const k = await page.$eval(NOTICES, (el) => (el as HTMLElement).dataset.page ?? '');
          return k && !shown.some((s) => s.key === k) && (await page.$(SHOWN)) ? k : null;
        });
        const seen = await page.$eval(SHOWN, (el) => {
          const box = el.closest('[data-testid="notices"]')!.getBoundingClientRect();
          const parts = [...el.children].map((c) => c.getBoundingClientRect());
          return {
            tag: el.querySelector('.notice-tag')!.textContent ?? '',
            text: el.querySelector('.notice-text')!.textContent ?? '',
            inside: parts.every((r) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5) && el.scrollWidth <= el.clientWidth,
          };
        });
        expect(seen.inside, `page ${key} «${seen.text}» reaches outside the footer`).toBe(true);
        shown.push({ key, tag: seen.tag, text: seen.text });
        await page.clock.fastForward(60_000); // past this page's reading time: the next page
      }
      // every notice, whole and in order: its pages' texts put together
      const byNotice = notices.map((_, n) => shown.filter((s) => s.key.startsWith(`${n}.`)));
      expect(byNotice.map((pages) => pages.map((p) => p.tag)[0])).toEqual(notices.map((n) => n.tag));
      expect(
        byNotice.map((pages) =>
          pages
            .map((p) => p.text)
            .join('')
            .replace(/\s/g, ''),
        ),
      ).toEqual(notices.map((n) => n.text.replace(/\s/g, '')));
      // and round again
      await waitFor('the first page again', () => page.$eval(NOTICES, (el) => (el as HTMLElement).dataset.page === '0.0'));
      await page.screenshot({ path: path.join(ARTIFACTS, 'hall-notices-3840x2160.png') });
      expect(browser.errors.get(page) ?? []).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('shows pages at 1920x1080 too, and scrolls with ?notices=scroll at any size', async () => {
    for (const [query, width, height, mode] of [
      ['', 1920, 1080, 'pages'],
      ['?notices=scroll', 3840, 2160, 'scroll'],
      ['?notices=scroll', 1920, 1080, 'scroll'],
    ] as const) {
      const page = await openHall(query, { width, height });
      try {
        await page.waitForSelector(NOTICES);
        expect(await modeOf(page), `${query} at ${width}x${height}`).toBe(mode);
        if (mode === 'scroll') expect(await page.$$eval(`${NOTICES} .board-strip`, (els) => els.length)).toBe(1);
        else await page.waitForSelector(SHOWN);
      } finally {
        await page.close();
      }
    }
  }, 120_000);
});
