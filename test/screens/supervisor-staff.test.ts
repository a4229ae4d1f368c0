/**
 * The 人员 tab of the supervisor console (the staff scope and the join key), in real Chromium against
 * a real hub: 不动产登记中心's staff served a few visits, one ended in a case rated 2 stars and
 * returned. The table shows each member of staff with served, average service time, satisfaction
 * and bad ratings; beside it the waits of visits with and without a case, ratings and returns by
 * item. Desktop (1920x1080) and phone (390x844) screenshots in /tmp/shots/join-key/.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { at, findDay, instant, kindOfDay } from '../helpers/test-clock.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { drained, postAccepted } from '../helpers/test-hub.ts';
import { openSignedIn, startConsoleHub } from './supervisor-session.ts';

const SUPERVISOR = { username: 'zhoumin', password: 'zhoumin-password', name: '周敏' };
const SHOTS = '/tmp/shots/join-key';
const DAY = findDay(kindOfDay.workday);
const clock = instant('16:00', DAY);
const DEPT = 'yiyang.realestate';
const ITEM = 'yiyang.realestate.transfer';

let n = 0;
const base = (source: string, time: string) => ({ id: `e${++n}`, at: at(time, DAY), source, center: 'yiyang' });
/** A visit of `minutes` service at a window by a member of staff, waited `wait` minutes from 09:00 + offset. */
function visit(
  ticket: string,
  window: string,
  staff: string,
  start: number,
  wait: number,
  minutes: number,
  extra: { caseNo?: string; score?: number; returned?: boolean } = {},
) {
  const t = (m: number) => `${String(9 + Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const events: Record<string, unknown>[] = [
    { ...base('queue', t(start)), type: 'ticket.issued', ticket, queue: 'A', dept: DEPT },
    { ...base('queue', t(start + wait)), type: 'ticket.called', ticket, window },
    { ...base('window', t(start + wait + 1)), type: 'ticket.started', ticket, window, staff },
    { ...base('window', t(start + wait + 1 + minutes)), type: 'ticket.finished', ticket, window, staff },
  ];
  if (extra.caseNo)
    events.push({
      ...base('cases', t(start + wait + minutes)),
      type: 'case.accepted',
      case: extra.caseNo,
      item: ITEM,
      dept: DEPT,
      window,
      promisedDays: 5,
      ticket,
    });
  if (extra.score)
    events.push({
      ...base('rating', t(start + wait + 2 + minutes)),
      type: 'rating.submitted',
      window,
      dept: DEPT,
      score: extra.score,
      staff,
      ticket,
      ...(extra.caseNo ? { case: extra.caseNo } : {}),
    });
  if (extra.returned && extra.caseNo)
    events.push({ ...base('cases', t(start + wait + 30 + minutes)), type: 'case.returned', case: extra.caseNo, reason: '材料不全' });
  return events;
}

async function send(hub: Hub, events: Record<string, unknown>[]) {
  for (const source of ['queue', 'window', 'cases', 'rating'] as const) {
    const batch = events.filter((e) => e.source === source);
    if (batch.length > 0) await postAccepted(hub, source, batch);
  }
}

describe('the 人员 tab of the supervisor console', () => {
  let hub: Hub;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    hub = await startConsoleHub(SUPERVISOR, [DEPT], { now: () => clock });
    // 苏磊欣 (s0001) at window 1: three visits, one ended in a case rated 2 stars and returned;
    // 龚红子 (s0003) at window 2: one visit rated 5 stars
    await send(hub, [
      ...visit('A001', 'yiyang.w001', 's0001', 0, 10, 12, { caseNo: 'K1', score: 2, returned: true }),
      ...visit('A002', 'yiyang.w001', 's0001', 30, 4, 8, { score: 5 }),
      ...visit('A003', 'yiyang.w001', 's0001', 60, 6, 10),
      ...visit('A004', 'yiyang.w002', 's0003', 0, 20, 15, { caseNo: 'K2', score: 5 }),
    ]);
    await drained(hub);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });
  const rowTexts = (page: Page) =>
    page.locator('[data-testid="staff-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));

  it('lists the department staff, the busiest first, with the visits and cases by item (1920x1080)', async () => {
    const { context, page } = await openSignedIn(browser, hub, SUPERVISOR, { touch: false, at: clock, errors });
    await page.click('[data-testid="tab-staff"]');
    await page.locator('[data-testid="staff-row"]').first().waitFor();
    const rows = await rowTexts(page);
    // served 3, mean service 10 minutes, 1 of 2 ratings satisfied, 1 bad
    expect(rows[0]).toBe('苏磊欣 1号窗口 3 10 50.0%（2评） 1');
    expect(rows[1]).toBe('龚红子 2号窗口 1 15 100.0%（1评） 0');
    // those who served nobody today are folded away, and listed at the end on request
    expect(rows.length).toBe(2);
    await page.click('[data-testid="staff-idle-toggle"]');
    const all = await rowTexts(page);
    expect(all.length).toBeGreaterThan(2);
    expect(all.slice(0, 2)).toEqual(rows);
    expect(all.at(-1)).toMatch(/ 0 — — 0$/);
    await page.click('[data-testid="staff-idle-toggle"]');
    // waits: the two visits that ended in a case waited 10 and 20 minutes; the other two 4 and 6
    expect(await page.locator('[data-testid="wait-case"]').innerText()).toBe('15分钟');
    expect(await page.locator('[data-testid="wait-nocase"]').innerText()).toBe('5分钟');
    const byItem = (await page.locator('[data-testid="ratings-by-item"] tbody tr').first().innerText()).replace(/\s+/g, ' ').trim();
    expect(byItem).toMatch(/ 2 50\.0% 1$/);
    expect(await page.locator('[data-testid="item-figures"] h3').first().innerText()).toContain('未关联 1 条');
    const returns = (await page.locator('[data-testid="returns-by-item"] tbody tr').first().innerText()).replace(/\s+/g, ' ').trim();
    expect(returns).toMatch(/ 2 1 50\.0%$/);
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/supervisor-staff-1920x1080.png`, animations: 'disabled' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the table on a phone (390x844) without sideways scrolling', async () => {
    const { context, page } = await openSignedIn(browser, hub, SUPERVISOR, { touch: true, at: clock, errors });
    await page.tap('[data-testid="tab-staff"]');
    await page.locator('[data-testid="staff-row"]').first().waitFor();
    expect((await rowTexts(page))[0]).toMatch(/^苏磊欣 3 10 50\.0% 1$/);
    const over = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="staff-view"] *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5).length,
    );
    expect(over).toBe(0);
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/supervisor-staff-390x844.png`, animations: 'disabled' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
