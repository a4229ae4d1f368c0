/**
 * Headless Chromium for the screen tests and the screen benchmark: the Debian package
 * (/usr/bin/chromium) through playwright-core, a fresh profile per launch, never a downloaded
 * browser.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type ConsoleMessage, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts/screens');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ScreenBrowser {
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far, per page. */
  errors: Map<Page, string[]>;
  open(url: string, size: { width: number; height: number }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchScreenBrowser(extraArgs: string[] = []): Promise<ScreenBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1920, height: 1080 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'UTC', // the screens must show Asia/Shanghai whatever the PC's zone
  });
  const errors = new Map<Page, string[]>();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    errors,
    async open(url, size) {
      const page = await context.newPage();
      const list: string[] = [];
      errors.set(page, list);
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error') list.push(m.text());
      });
      page.on('pageerror', (e) => list.push(`pageerror: ${e.message}`));
      await page.setViewportSize(size);
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
