/**
 * The hall draws its charts again only when what they show changes (docs/screens.md, "What the
 * wall costs"): a quiet hall redraws nothing, and a delta that moves no gauge (a ticket issued, a
 * rating that leaves the satisfaction rate's shown decimal as it was) redraws no chart. Counted
 * through `window.__yg.chartUpdates` (web/debug/screen-debug.ts), not timed: CPU and fps are the
 * benchmark's (`npm run bench -- screen-cost`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Snapshot } from '../../common/snapshot.ts';
import type { Hub } from '../../server/hub.ts';
import { HallFeed } from '../../support/hall-feed.ts';
import { formatInt } from '../../web/util/format.ts';
import { gaugeOption } from '../../web/widgets/Gauge/gauge-option.ts';
import { prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { drained, getJson, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { hallOnMorning, sendFeed as send } from './hall-morning.ts';

const SCOPE = 'center:yiyang';

interface Counters {
  chartUpdates: number;
  chartsCreated: number;
  deltas: number;
  waiting: string;
  ratingsTotal: string;
}

const counters = (page: Page): Promise<Counters> =>
  page.evaluate(() => ({
    chartUpdates: window.__yg!.chartUpdates,
    chartsCreated: window.__yg!.chartsCreated,
    deltas: window.__yg!.deltas,
    waiting: document.querySelector<HTMLElement>('[data-testid="kpi-waiting"]')?.dataset.value ?? '',
    ratingsTotal: document.querySelector('[data-testid="ratings-total"]')?.textContent ?? '',
  }));

/** The satisfaction gauge's option for a snapshot: what its chart would be handed. */
const satisfactionOption = (s: Snapshot) => JSON.stringify(gaugeOption({ rate: s.ratings.satisfactionRate, target: 0.99 }));

describe('hall charts redraw only on a change they show', () => {
  const prefix = testPrefix();
  const feed = new HallFeed(31);
  let hub: Hub;
  let browser: ScreenBrowser;
  let page: Page;

  beforeAll(async () => {
    await prepareScreens();
    ({ hub, browser, page } = await hallOnMorning(prefix, feed));
    await waitFor('the three gauges', async () => (await counters(page)).chartsCreated >= 3);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('redraws no chart while nothing arrives', async () => {
    const before = await counters(page);
    // The time is what is tested: 3 s with no event sent, in which no chart may be handed an option.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await counters(page)).chartUpdates).toBe(before.chartUpdates);
  });

  it('redraws no chart for a delta that changes no gauge, and only the gauge whose picture changes', async () => {
    const snap0: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}`);
    const before = await counters(page);

    // A ticket issued: the waiting count moves, no rate does.
    await send(hub, [feed.issue(Date.now() - 500)]);
    await drained(hub);
    const snap1: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}`);
    expect(snap1.tickets.waiting).not.toBe(snap0.tickets.waiting);
    const afterIssue = await waitFor('the new waiting count on the wall', async () => {
      const c = await counters(page);
      return c.waiting === String(snap1.tickets.waiting) && c;
    });
    expect(afterIssue.deltas).toBeGreaterThan(before.deltas);
    expect(afterIssue.chartUpdates).toBe(before.chartUpdates);

    // A rating: the satisfaction gauge is redrawn only when its drawn value (one decimal) or colour changes.
    await send(hub, [feed.rating(Date.now() - 500)]);
    await drained(hub);
    const snap2: Snapshot = await getJson(hub, `/api/v1/snapshot?scope=${SCOPE}`);
    expect(snap2.ratings.total).toBe(snap1.ratings.total + 1);
    const afterRating = await waitFor('the new ratings total on the wall', async () => {
      const c = await counters(page);
      return c.ratingsTotal.includes(formatInt(snap2.ratings.total)) && c;
    });
    const redrawn = satisfactionOption(snap2) === satisfactionOption(snap1) ? 0 : 1;
    expect(afterRating.chartUpdates - afterIssue.chartUpdates).toBe(redrawn);
  });
});
