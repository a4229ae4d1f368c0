/**
 * Screens keep the hub's time, not the player PC's (web/hub-clock.ts, docs/realtime.md#the-hubs-time-on-the-screens):
 * the estimate itself on chosen samples, then a hub whose clock runs hours away from this machine's
 * (the browser's PC clock): its /live messages and Date headers carry its clock, the hall's wall
 * clock shows its hh:mm, and a replay stops at its now. Screenshots go to /tmp/shots/hub-clock/.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { HubClock, hubClock, WINDOW_MS } from '../../web/hub-clock.ts';
import { createLiveClient, type LiveClient } from '../../web/live/index.ts';
import { formatClock } from '../../web/util/format.ts';
import { HallFeed } from '../../support/hall-feed.ts';
import { animationsDone, launchScreenBrowser, layoutSettled, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { instant } from '../helpers/test-clock.ts';
import { drained, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { sendFeed } from './hall-morning.ts';

const SCOPE = 'center:yiyang';
const SHOTS = '/tmp/shots/hub-clock';
const HOUR = 3600_000;
/**
 * How near the screens' estimate must be to the hub's clock here: the clocks are hours apart, and
 * on a loaded machine a request or a message may take a second or more (the estimate's error).
 */
const SECONDS = 10_000;

/** A hub clock on chosen local and monotonic clocks, moved by hand. */
function handClock(local: number) {
  const clocks = { local, mono: 0 };
  const clock = new HubClock({ local: () => clocks.local, monotonic: () => clocks.mono });
  return { clock, clocks };
}

describe('the hub clock estimate (web/hub-clock.ts)', () => {
  it('is the PC clock before anything arrived', () => {
    const { clock } = handClock(1_000_000);
    expect(clock.offsetMs()).toBe(0);
    expect(clock.now()).toBe(1_000_000);
  });

  it('takes the message with the smallest transit: delay only makes a message look later', () => {
    const { clock, clocks } = handClock(1_000_000);
    const skew = 7 * 60_000; // the hub is 7 minutes ahead of this PC
    const seen: number[] = [];
    clock.onChange((o) => seen.push(o));
    for (const transit of [40, 5, 120, 30]) {
      clocks.local += 1000;
      clocks.mono += 1000;
      clock.noteSentAt(clocks.local + skew - transit);
    }
    expect(clock.offsetMs()).toBe(skew - 5);
    expect(clock.now()).toBe(clocks.local + skew - 5);
    expect(seen).toEqual([skew - 40, skew - 5]); // told once per change, not per message
  });

  it('forgets a sample after the window (a stepped clock is followed)', () => {
    const { clock, clocks } = handClock(1_000_000);
    clock.noteSentAt(clocks.local + 60_000);
    expect(clock.offsetMs()).toBe(60_000);
    // this PC's clock was stepped forward by NTP: its messages now say the hub is only 1 s ahead
    clocks.local += 59_000 + 1000;
    clocks.mono += 1000;
    clock.noteSentAt(clocks.local + 1000);
    expect(clock.offsetMs()).toBe(60_000); // within the window the old bound still holds
    clocks.local += WINDOW_MS;
    clocks.mono += WINDOW_MS;
    clock.noteSentAt(clocks.local + 1000);
    expect(clock.offsetMs()).toBe(1000);
  });

  it('from Date headers alone, takes the middle of the tightest bounds', () => {
    const { clock, clocks } = handClock(1_000_000);
    const skew = -3 * HOUR - 250; // the hub is behind this PC
    // a request sent at `sent`, answered 80 ms later, by a hub whose Date header is its second
    const ask = (sent: number, hubAtReply: number) => {
      clocks.local = sent + 80;
      clocks.mono += 1000;
      clock.noteAnswer(Math.floor(hubAtReply / 1000) * 1000, sent);
    };
    ask(1_000_000, 1_000_040 + skew);
    expect(Math.abs(clock.offsetMs() - skew)).toBeLessThanOrEqual(540);
    // more answers at other phases of the second narrow it
    for (let i = 1; i <= 20; i++) ask(1_000_000 + i * 1037, 1_000_040 + i * 1037 + skew);
    expect(Math.abs(clock.offsetMs() - skew)).toBeLessThanOrEqual(100);
  });

  it('prefers a /live message to a Date header', () => {
    const { clock, clocks } = handClock(1_000_000);
    const skew = 5300;
    // answered 20 ms before it arrived, asked 50 ms before: the hub's Date is its whole second
    clock.noteAnswer(Math.floor((clocks.local + skew - 20) / 1000) * 1000, clocks.local - 50);
    expect(clock.offsetMs()).toBe(Math.round((5000 + 6049) / 2)); // between 1_005_000 - arrival and 1_005_999 - asked
    clock.noteSentAt(clocks.local + skew - 3);
    expect(clock.offsetMs()).toBe(skew - 3);
  });
});

/**
 * A time of day for the hub, hours away from this machine's (the browser's) time of day, during
 * office hours so the hall has a morning to show: whichever of two is further from the real clock.
 */
function hubStartTime(): string {
  const DAY = 24 * HOUR;
  const dist = (hhmm: string) => {
    const ahead = (((instant(hhmm) - Date.now()) % DAY) + DAY) % DAY;
    return Math.min(ahead, DAY - ahead);
  };
  return dist('11:30') >= dist('15:30') ? '11:30' : '15:30';
}

describe('screens keep the hub time, not the PC time', () => {
  const start = hubStartTime();
  // the hub's clock runs at real speed from `start` on the test's today: hours from the PC's
  const skew = instant(start) - Date.now();
  const hubNow = () => Date.now() + skew;
  let hub: Hub;
  let browser: ScreenBrowser;
  let live: LiveClient | undefined;

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: hubNow });
    // two hours of the hall before the hub's now (by the hub's clock: events after it are refused)
    await sendFeed(hub, new HallFeed(5).morning(hubNow() - 2 * HOUR, hubNow() - 2000));
    await drained(hub);
    browser = await launchScreenBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    live?.close();
    await browser?.close();
    await hub?.stop();
  });

  it('the hub stamps /live messages and its Date header with its own clock', async () => {
    expect(Math.abs(skew)).toBeGreaterThan(HOUR); // the premise: hours apart
    const res = await fetch(`${hub.url}/api/v1/snapshot?scope=${SCOPE}`);
    // seconds apart at most (a loaded machine answers slowly), where the PC's clock is hours away
    expect(Math.abs(Date.parse(res.headers.get('date')!) - hubNow())).toBeLessThan(SECONDS);
    live = createLiveClient({ url: hub.url });
    live.subscribe(SCOPE, () => undefined);
    // this Node process's own page clock (web/hub-clock.ts) learns from the messages' sentAt
    await waitFor('a snapshot', () => live!.status().lastMessageAt !== null);
    expect(Math.abs(hubClock.offsetMs() - skew)).toBeLessThan(SECONDS);
    expect(Math.abs(hubClock.now() - hubNow())).toBeLessThan(SECONDS);
  });

  /** The hall's clock as it shows it (hh:mm:ss). */
  const shownClock = (page: Page) => page.textContent('[data-testid="clock"] .clock-time').then((t) => t?.trim() ?? '');

  it("the hall's clock shows the hub's time (hh:mm), not the PC's", async () => {
    const page = await browser.open(`${hub.url}/screens/hall?scope=${SCOPE}`, { width: 1920, height: 1080 });
    await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
    const hhmm = (ms: number) => formatClock(ms).slice(0, 5);
    // read between two readings of the hub's clock: a minute may turn in between
    const shown = await waitFor('the clock on the hub time', async () => {
      const before = hhmm(hubNow());
      const text = (await shownClock(page)).slice(0, 5);
      return text === before || text === hhmm(hubNow()) ? text : null;
    });
    expect(shown).not.toBe(hhmm(Date.now()));
    await layoutSettled(page, { width: 1920, height: 1080 });
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/hall-1920x1080.png` });
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  }, 60_000);

  /** The replayed instant the bar shows (`YYYY-MM-DD HH:mm:ss`, Asia/Shanghai). */
  async function shownInstant(page: Page): Promise<number> {
    const text = (await page.textContent('[data-testid="replay-time"]'))!.trim();
    return Date.parse(`${text.replace(' ', 'T')}+08:00`);
  }

  it("a replay starts where asked and plays up to the hub's now, not the PC's", async () => {
    // twenty minutes before the hub's now: on the PC's clock, hours from it either way
    const moment = Math.floor((hubNow() - 20 * 60_000) / 1000) * 1000;
    const page = await browser.open(`${hub.url}/screens/hall?scope=${SCOPE}&at=${encodeURIComponent(toShanghaiIso(moment))}`, { width: 1920, height: 1080 });
    await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
    // a PC behind the hub would have moved it back to its own now, hours earlier
    await expect.poll(() => shownInstant(page), { timeout: 10_000 }).toBe(moment);
    await page.click('[data-testid="replay-speed-3600"]');
    const clicked = hubNow();
    await page.click('[data-testid="replay-play"]');
    // it stops by itself at the hub's now (a PC ahead of the hub would play on for hours)
    const stopped = await waitFor(
      'the replay to stop',
      async () =>
        (await page.getAttribute('[data-testid="replay-play"]', 'aria-pressed')) === 'false' && (await shownInstant(page)) > moment && shownInstant(page),
      20_000,
    );
    // the page knows the hub's time from Date headers here (whole seconds): within a few of it
    expect(stopped).toBeGreaterThanOrEqual(clicked - SECONDS);
    expect(stopped).toBeLessThanOrEqual(hubNow() + SECONDS);
    const sliderMax = Number(await page.getAttribute('[data-testid="replay-slider"]', 'max'));
    expect(Math.abs(sliderMax - hubNow())).toBeLessThan(SECONDS);
    await layoutSettled(page, { width: 1920, height: 1080 });
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/hall-replay-1920x1080.png` });
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
