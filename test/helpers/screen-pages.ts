/**
 * The pages the screen tests open with playwright-core: a desktop (1920x1080) and a phone
 * (390x844, touch, `isMobile`), both in zh-CN with the machine's zone set to UTC (the screens must
 * show Asia/Shanghai whatever the PC's zone), a page watched for the errors it logs, and what a
 * small screen must get: nothing scrolling sideways, no text too small to read.
 */
import { expect } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';

export const DESKTOP = { width: 1920, height: 1080 };
export const PHONE = { width: 390, height: 844 };

export const DESKTOP_CONTEXT: BrowserContextOptions = { viewport: DESKTOP, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC' };
export const PHONE_CONTEXT: BrowserContextOptions = {
  viewport: PHONE,
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 3,
  locale: 'zh-CN',
  timezoneId: 'UTC',
};

/**
 * Collects the page's console errors and uncaught errors into `errors` (the 401 of the session
 * check before a sign-in is expected, not an error), and makes a stuck action name itself after
 * `timeoutMs`, before the test's own timeout.
 */
export function watchPage(page: Page, errors: string[], timeoutMs = 10_000): Page {
  page.setDefaultTimeout(timeoutMs);
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return page;
}

/** The smallest computed font size of any visible text or form field in view, with the text that has it. */
function smallestText(page: Page): Promise<{ size: number; text: string }> {
  return page.evaluate(() => {
    let best = { size: Infinity, text: '' };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? '';
      const el = n.parentElement;
      if (!text || !el) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const visible =
        [...range.getClientRects()].some((r) => r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth) &&
        el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
      if (!visible) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < best.size) best = { size, text };
    }
    for (const field of document.querySelectorAll<HTMLElement>('input, textarea, select, button')) {
      if (!field.checkVisibility()) continue;
      const size = parseFloat(getComputedStyle(field).fontSize);
      if (size < best.size) best = { size, text: `<${field.tagName.toLowerCase()}>` };
    }
    return best;
  });
}

/** The page's scroll width (or its `scroller` box's, if wider) and the visible elements that reach past the right edge. */
function sideways(page: Page, scroller: string | null): Promise<{ scrollWidth: number; over: string[] }> {
  return page.evaluate((box) => {
    return {
      scrollWidth: Math.max(document.documentElement.scrollWidth, box ? (document.querySelector(box)?.scrollWidth ?? 0) : 0),
      over: [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => el.checkVisibility() && el.getBoundingClientRect().right > innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(el.getBoundingClientRect().right)}`),
    };
  }, scroller);
}

/**
 * What a small screen's user must get on the view `view`: nothing scrolls sideways (the page, nor
 * `scroller` where a box scrolls instead of it, is wider than `width`; no visible element reaches
 * past the right edge, not even inside a box), and no text or field in view is below `minFontPx`.
 */
export async function expectFits(page: Page, opts: { width: number; minFontPx: number; view: string; scroller?: string }): Promise<void> {
  const { scrollWidth, over } = await sideways(page, opts.scroller ?? null);
  expect(scrollWidth, opts.view).toBeLessThanOrEqual(opts.width);
  expect(over, opts.view).toEqual([]);
  const smallest = await smallestText(page);
  expect(smallest.size, `${opts.view}: "${smallest.text}"`).toBeGreaterThanOrEqual(opts.minFontPx);
}
