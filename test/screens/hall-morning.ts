/**
 * What the wall screens' tests share: the simulated hall's events sent as a center's systems send
 * them (support/hall-feed.ts), a call to a window, the day so far fed to a hub, and the hall open on it.
 */
import type { Page } from 'playwright-core';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { batchesInOrder, type FeedEvent, type HallFeed } from '../../support/hall-feed.ts';
import { launchScreenBrowser, type ScreenBrowser } from '../helpers/browser.ts';
import { drained, postAccepted, startTestHub } from '../helpers/test-hub.ts';

/** A ticket of the window's department issued a minute before `now` and called to the window 5 s before: its events and its number. */
export function aCall(feed: HallFeed, window: { code: string; dept: string }, now: number): { events: FeedEvent[]; ticket: string } {
  const events = [feed.issue(now - 60_000, window.dept), ...feed.callNext(now - 5000, window.code)];
  return { events, ticket: String(events.find((e) => e.event.type === 'ticket.called')!.event.ticket) };
}

/** Sends the events in their sources' batches, in time order; each batch must be accepted whole. */
export async function sendFeed(hub: Hub, events: FeedEvent[]): Promise<void> {
  for (const b of batchesInOrder(events)) await postAccepted(hub, b.source, b.events);
}

/**
 * Feeds the hub today's morning so far from `feed` (at most three hours, never before midnight
 * Asia/Shanghai, up to 2 s ago) and waits until it is applied; returns the span fed.
 */
export async function feedMorning(hub: Hub, feed: HallFeed): Promise<{ from: number; until: number }> {
  const now = Date.now();
  const from = Math.max(startOfDayMs(dayIndexOf(now)) + 1000, now - 3 * 3600_000);
  const until = now - 2000;
  await sendFeed(hub, feed.morning(from, until));
  await drained(hub);
  return { from, until };
}

/** A hub on `prefix` fed the morning so far, and the hall open on it at 1920x1080 with its first data. */
export async function hallOnMorning(prefix: string, feed: HallFeed): Promise<{ hub: Hub; browser: ScreenBrowser; page: Page }> {
  const hub = await startTestHub(prefix);
  await feedMorning(hub, feed);
  const browser = await launchScreenBrowser();
  const page = await browser.open(`${hub.url}/screens/hall`, { width: 1920, height: 1080 });
  await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
  return { hub, browser, page };
}
