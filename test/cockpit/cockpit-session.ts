/** Users and sessions for the cockpit tests, through the hub's real sign-in API or the cockpit's sign-in form. */
import type { Page } from 'playwright-core';
import type { UserRole } from '../../common/auth.ts';
import type { Hub } from '../../server/hub.ts';

export const PASSWORD = 'cockpit-test-password-2026';

/** Creates a user and signs in; returns the Cookie header value of the session. */
export async function signedIn(hub: Hub, username: string, role: UserRole, depts: string[] = []): Promise<string> {
  await hub.auth.users.create({ username, password: PASSWORD, role, depts });
  const res = await fetch(`${hub.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username}: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0]!;
}

export async function getAs<T>(hub: Hub, path: string, cookie: string | null): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, { headers: cookie ? { cookie } : {} });
  const type = res.headers.get('content-type') ?? '';
  const body = (type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer())) as T;
  return { status: res.status, body };
}

/**
 * Opens the cockpit in `page`, its clock standing at the hub's instant `at` (the test's today may be a
 * year ahead of the machine's), and signs in through its form as `user`: with taps when `touch` (a
 * phone), else clicks; `onForm` runs first on the empty form (a fit check, a screenshot). Returns once
 * the form is sent; what the page shows next is the test's to wait for.
 */
export async function signInOnCockpit(
  page: Page,
  hub: Hub,
  user: { username: string; password: string },
  opts: { at: number; touch?: boolean; onForm?: () => Promise<void> },
): Promise<void> {
  await page.clock.setFixedTime(opts.at);
  await page.goto(`${hub.url}/screens/cockpit`);
  await page.waitForSelector('[data-testid="signin"]');
  await opts.onForm?.();
  await page.fill('[data-testid="signin-username"]', user.username);
  await page.fill('[data-testid="signin-password"]', user.password);
  if (opts.touch) await page.tap('[data-testid="signin-submit"]');
  else await page.click('[data-testid="signin-submit"]');
}
