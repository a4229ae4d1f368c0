/**
 * What the supervisor console's browser tests share: a hub with one supervisor, the sign-in on a
 * desktop or a phone, and what a phone user must get on every view of the console.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Hub, HubOptions } from '../../server/hub.ts';
import { DESKTOP_CONTEXT, expectFits, PHONE, PHONE_CONTEXT, watchPage } from '../helpers/screen-pages.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';

export interface Supervisor {
  username: string;
  password: string;
  name: string;
}

/** A hub on its own key prefix with the test's clock (and alert engine pace), where `supervisor` oversees `depts`. */
export async function startConsoleHub(supervisor: Supervisor, depts: string[], opts: { now: () => number; alerts?: HubOptions['alerts'] }): Promise<Hub> {
  const hub = await startTestHub(testPrefix(), { now: opts.now, env: { ADMIN_PASSWORD: 'admin-pass-0001' }, ...(opts.alerts ? { alerts: opts.alerts } : {}) });
  await hub.auth.users.create({ ...supervisor, role: 'supervisor', depts });
  return hub;
}

/** Signs in on the open console with taps (phone) or clicks, and waits for its live connection. */
export async function signIn(page: Page, supervisor: Supervisor, touch: boolean): Promise<void> {
  await page.waitForSelector('[data-testid="signin"]');
  await page.fill('[data-testid="signin-username"]', supervisor.username);
  await page.fill('[data-testid="signin-password"]', supervisor.password);
  if (touch) await page.tap('[data-testid="signin-submit"]');
  else await page.click('[data-testid="signin-submit"]');
  await page.waitForSelector('.console .conn.on');
}

/**
 * A new desktop or phone (`touch`) context with the console open at `link` (a notification's
 * `?alert=` link, or the console itself), the page's clock standing at the hub's when `at` is
 * given, signed in as `supervisor` with clicks or taps; the page's errors land in `errors`.
 */
export async function openSignedIn(
  browser: Browser,
  hub: Hub,
  supervisor: Supervisor,
  opts: { touch: boolean; errors: string[]; at?: number; link?: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(opts.touch ? PHONE_CONTEXT : DESKTOP_CONTEXT);
  const page = watchPage(await context.newPage(), opts.errors);
  if (opts.at !== undefined) await page.clock.setFixedTime(opts.at);
  await page.goto(`${hub.url}${opts.link ?? '/screens/supervisor'}`);
  await signIn(page, supervisor, opts.touch);
  return { context, page };
}

/** What a phone user must get on every view of the console: no sideways scrolling, no text below 14 px. */
export async function fitsPhone(page: Page, view: string): Promise<void> {
  await expectFits(page, { width: PHONE.width, minFontPx: 14, view });
}
