/**
 * A screen's watchdog (docs/screens.md#watchdog): in Chromium, a hall whose JS heap passes
 * `?maxHeapMB=` reloads itself; the rule itself (heap bound, stall while connected, a quiet night
 * not a stall) and where a navigate may go, on the pure functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FleetAnswer } from '../../common/fleet.ts';
import type { Hub } from '../../server/hub.ts';
import { navigateTarget } from '../../web/fleet/navigate-target.ts';
import { watchdogReason, type LinkState } from '../../web/fleet/watchdog.ts';
import { signInFrom } from '../auth/auth-test-hub.ts';
import { launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { testNow } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ADMIN_PASSWORD = 'admin-pass-watchdog-01';

describe('watchdog rule', () => {
  const opts = { maxHeapMB: null, stallMs: 300_000 };
  const t = 1_000_000_000;
  const link = (patch: Partial<LinkState> = {}): LinkState => ({
    connected: true,
    connectedSince: t - 600_000,
    lastMessageAt: t - 1000,
    subscribed: true,
    ...patch,
  });
  const heap = (heapMB: number | null, heapLimitMB: number | null = 4096) => ({ heapMB, heapLimitMB });

  it('reloads above the heap bound: ?maxHeapMB, else 80% of the limit', () => {
    expect(watchdogReason(heap(100), link(), { ...opts, maxHeapMB: 120 }, t)).toBeNull();
    expect(watchdogReason(heap(121), link(), { ...opts, maxHeapMB: 120 }, t)).toBe('heap');
    expect(watchdogReason(heap(3200, 4000), link(), opts, t)).toBeNull();
    expect(watchdogReason(heap(3201, 4000), link(), opts, t)).toBe('heap');
    expect(watchdogReason(heap(null, null), link(), opts, t)).toBeNull();
  });

  it('reloads when connected and subscribed but silent for stallMs, not otherwise', () => {
    expect(watchdogReason(heap(50), link({ lastMessageAt: t - 300_001 }), opts, t)).toBe('stall');
    expect(watchdogReason(heap(50), link({ lastMessageAt: t - 299_000 }), opts, t)).toBeNull();
    // a connection that just came back counts from its start
    expect(watchdogReason(heap(50), link({ lastMessageAt: t - 900_000, connectedSince: t - 1000 }), opts, t)).toBeNull();
    // disconnected: the live client reconnects by itself, a reload would not help
    expect(watchdogReason(heap(50), link({ connected: false, connectedSince: null, lastMessageAt: t - 900_000 }), opts, t)).toBeNull();
    // nothing subscribed: no data is expected
    expect(watchdogReason(heap(50), link({ subscribed: false, lastMessageAt: null }), opts, t)).toBeNull();
    // subscribed for longer than stallMs and never a message
    expect(watchdogReason(heap(50), link({ lastMessageAt: null }), opts, t)).toBe('stall');
  });
});

describe('navigate target', () => {
  const here = new URL('http://hub:8080/screens/hall?screen=hall-1&token=tok&reportEvery=30&scope=center:yiyang');

  it("goes to a page of this hub and keeps the screen's own parameters", () => {
    const to = navigateTarget('/screens/window/5', here)!;
    expect(to.origin).toBe('http://hub:8080');
    expect(to.pathname).toBe('/screens/window/5');
    expect(Object.fromEntries(to.searchParams)).toEqual({ screen: 'hall-1', token: 'tok', reportEvery: '30' });
    expect(navigateTarget('/screens/hall?screen=hall-9', here)!.searchParams.get('screen')).toBe('hall-9');
  });

  it('goes nowhere else', () => {
    for (const bad of [
      '//evil.com/screens/x',
      'https://evil.com/screens/x',
      'javascript:alert(1)',
      '/api/v1/screens',
      '/screens\\..\\api',
      '/screens//evil.com',
    ])
      expect(navigateTarget(bad, here), bad).toBeNull();
    expect(navigateTarget('/screens/../api/v1/screens', here)).toBeNull();
  });
});

describe('watchdog in Chromium', () => {
  let hub: Hub;
  let cookie: string;
  let browser: ScreenBrowser;
  let page: Page;

  const screenOf = async (id: string) => {
    const res = await fetch(`${hub.url}/api/v1/screens`, { headers: { cookie } });
    return ((await res.json()) as FleetAnswer).screens.find((s) => s.id === id);
  };
  const heapOf = async (id: string) => (await screenOf(id))?.heapMB ?? null;

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: testNow, env: { ADMIN_PASSWORD } });
    cookie = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
    // precise heap figures (as docs/kiosk.md recommends), else Chromium reports coarse, cached ones
    browser = await launchScreenBrowser(['--enable-precise-memory-info']);
    page = await browser.open(`${hub.url}/screens/hall?screen=wd-1&reportEvery=1&maxHeapMB=60`, { width: 1280, height: 720 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('reloads a screen whose heap passes ?maxHeapMB', async () => {
    const before = await waitFor('wd-1 reported its heap', () => heapOf('wd-1'));
    expect(before).toBeLessThan(60);
    const origin = await page.evaluate(() => performance.timeOrigin);
    // about 80 MB kept alive: a leak, as far as the watchdog can tell
    await page.evaluate(() => {
      (window as unknown as { ygBallast: number[][] }).ygBallast = Array.from({ length: 100 }, (_, i) => new Array<number>(100_000).fill(i + 0.5));
    });
    await waitFor(
      'a new document',
      async () => {
        try {
          return (await page.evaluate(() => performance.timeOrigin)) !== origin;
        } catch {
          return false; // between documents
        }
      },
      20_000,
    );
    // the new document reports, and does not reload again at once: at most one watchdog reload in
    // 10 minutes, even while the old document's garbage still counts in the heap until V8 collects it
    const newOrigin = await page.evaluate(() => performance.timeOrigin);
    const since = testNow();
    const seen = new Set<string>();
    await waitFor('three reports of the new document', async () => {
      const s = await screenOf('wd-1');
      if (s && Date.parse(s.lastSeen) > since) seen.add(s.lastSeen);
      return seen.size >= 3;
    });
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(newOrigin);
  });
});
