/**
 * The screen tests' browser (support/screen-browser.ts: headless Debian Chromium), the build of
 * the screens (scripts/ensure-web-build.ts, so tests run against what the hub really serves), and
 * waits for a settled page.
 */
import type { Page } from 'playwright-core';
import { ensureWebBuild } from '../../scripts/ensure-web-build.ts';

export { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, launchScreenBrowser, type ScreenBrowser } from '../../support/screen-browser.ts';

/** Builds the screens if stale. Call from beforeAll (it takes a few seconds the first time). */
export async function prepareScreens(): Promise<void> {
  await ensureWebBuild({ log: () => undefined });
}

/**
 * Waits until nothing on the page is still moving: no CSS animation or transition with an end is
 * running (endless ones, such as the pulse of an open red card, are left out). For screenshots.
 */
export async function animationsDone(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity));
}

/**
 * Waits until a design-canvas screen has taken a new window size: its throttled resize applied,
 * every chart redrawn at the size of its box, and nothing still moving.
 */
export async function layoutSettled(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.waitForFunction(({ width, height }) => {
    const viewport = document.querySelector<HTMLElement>('.yg-viewport');
    if (!viewport || viewport.offsetWidth !== width || viewport.offsetHeight !== height) return false;
    return [...document.querySelectorAll<HTMLElement>('.yg-chart')].every((box) => {
      const canvas = box.querySelector('canvas');
      return canvas !== null && canvas.style.width === `${box.clientWidth}px` && canvas.style.height === `${box.clientHeight}px`;
    });
  }, size);
  await animationsDone(page);
}
