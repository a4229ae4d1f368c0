/**
 * The supervisor console on a phone (390x844, touch, `isMobile`) against a real hub whose clock
 * stands at 10:05 of a working day: the overdue-case situation (red and yellow cards) and a queue
 * surge (wait alerts) are open. A supervisor signs in, sees the alerts as cards, taps one, reads its
 * history, acknowledges it and resolves it with a note (a note is required), toggles the sound;
 * no text is smaller than 14 px and nothing scrolls sideways. A link `?alert=<id>` (the one the
 * notifications put in their messages) opens that alert's detail after sign-in. The desktop layout
 * at 1920x1080 is photographed with a frozen page clock, so a run before and after a change can be
 * compared pixel for pixel (YG_SUPERVISOR_DESKTOP_SHOT names the file, default
 * /tmp/supervisor-desktop-1920.png).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, findDay, instant, kindOfDay } from '../helpers/test-clock.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { DESKTOP_CONTEXT, PHONE_CONTEXT, watchPage } from '../helpers/screen-pages.ts';
import { drained, postAccepted } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { fitsPhone, openSignedIn, signIn, startConsoleHub } from './supervisor-session.ts';

const SUPERVISOR = { username: 'zhaomin', password: 'zhaomin-password', name: '赵敏' };
const DESKTOP_SHOT = process.env.YG_SUPERVISOR_DESKTOP_SHOT ?? '/tmp/supervisor-desktop-1920.png';
/** The same story days as supervisor.test.ts: DUE1 over (red), DUE2 begun (yellow), a surge on DUE2. */
const DUE2 = findDay((d) => kindOfDay.workday(d) && kindOfDay.workday(d - 1) && kindOfDay.dayOff(d - 2), -1, dayFromToday(-1));
const DUE1 = dateOfDayIndex(dayIndexOfDate(DUE2) - 1);
const ACCEPTED = findDay(kindOfDay.workday, -1, dateOfDayIndex(dayIndexOfDate(DUE1) - 1));
/** The hub's clock stands at 10:05 while the alerts come up, then at SHOWN (8 min 42 s later: before any escalation or source silence). */
const RAISED = instant('10:05', DUE2);
const SHOWN = instant('10:13:42', DUE2);
let clock = RAISED;

const cards = (page: Page) => page.locator('[data-testid="alert-card"]');
async function shot(page: Page, name: string) {
  await animationsDone(page);
  await page.screenshot({ path: `/tmp/${name}.png`, animations: 'disabled' });
}

describe('supervisor console on a phone (/screens/supervisor at 390x844)', () => {
  let hub: Hub;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await prepareScreens();
    hub = await startConsoleHub(SUPERVISOR, ['yiyang.realestate', 'yiyang.hrss'], { now: () => clock, alerts: { tickMs: 100 } });
    // accepted on ACCEPTED: 1 working day → due DUE1 (red since 00:00 of DUE2); 2 → due DUE2 (yellow); 2 tickets waiting at 人社 since 09:30
    // each source also reports up to now (a case and a ticket of another department, just taken),
    // as live ones do, so the cards follow the clock (docs/alerts.md#event-time)
    await postAccepted(hub, 'cases', [
      ...['BDC-0101', 'BDC-0102'].map((c) => ev.accepted(at('09:00', ACCEPTED), c, 1, 'yiyang.realestate', 'yiyang.realestate.mortgage')),
      ev.accepted(at('09:30', ACCEPTED), 'BDC-0103', 2, 'yiyang.realestate', 'yiyang.realestate.mortgage'),
      ev.accepted(at('10:05', DUE2), 'SCJ-LIVE', 20, 'yiyang.market', 'yiyang.market.food'),
    ]);
    await postAccepted(hub, 'queue', [
      ...['D001', 'D002'].map((t) => ev.issued(at('09:30', DUE2), t, 'yiyang.hrss')),
      ev.issued(at('10:05', DUE2), 'M001', 'yiyang.market'),
    ]);
    await drained(hub);
    await waitFor('the 5 alerts', async () => (await hub.alerts.store.list({ states: ['open', 'acknowledged'], depts: null })).length === 5);
    clock = SHOWN;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    phone = await browser.newContext(PHONE_CONTEXT);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  const watch = (p: Page) => watchPage(p, errors);

  it("keeps the desktop layout at 1920x1080 (a screenshot with the page clock frozen at the hub's)", async () => {
    const desk = await browser.newContext(DESKTOP_CONTEXT);
    const p = watch(await desk.newPage());
    await p.clock.setFixedTime(SHOWN);
    await p.goto(`${hub.url}/screens/supervisor`);
    await p.waitForSelector('[data-testid="signin"]');
    await p.screenshot({ path: DESKTOP_SHOT.replace(/\.png$/, '-signin.png') });
    await signIn(p, SUPERVISOR, false);
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="alert-row"]').length >= 5);
    await p.waitForSelector('[data-testid="alert-detail"]');
    expect(await p.locator('[data-testid="alert-card"]').count()).toBe(0);
    await animationsDone(p);
    await p.screenshot({ path: DESKTOP_SHOT, animations: 'disabled' });
    for (const tab of ['windows', 'history', 'audit'] as const) {
      await p.click(`[data-testid="tab-${tab}"]`);
      await p.waitForSelector({ windows: '[data-testid="window-tile"]', history: '[data-testid="history-table"]', audit: '[data-testid="audit-table"]' }[tab]);
      await p.waitForLoadState('networkidle');
      await p.screenshot({ path: DESKTOP_SHOT.replace(/\.png$/, `-${tab}.png`), animations: 'disabled' });
    }
    await desk.close();
  });

  it('signs in at phone size and shows the alerts as cards: level, type, subject, department, how long', async () => {
    page = watch(await phone.newPage());
    await page.goto(`${hub.url}/screens/supervisor`);
    await page.waitForSelector('[data-testid="signin"]');
    await fitsPhone(page, 'sign-in');
    await shot(page, 'supervisor-phone-signin');
    await signIn(page, SUPERVISOR, true);
    await waitFor('5 cards', async () => (await cards(page).count()) === 5);
    const first = cards(page).first();
    expect(await first.getAttribute('data-rule')).toBe('case-red');
    const text = (await first.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('红牌');
    expect(text).toContain('办件超期');
    expect(text).toMatch(/案件 BDC-010[12]/);
    expect(text).toContain('不动产登记中心');
    expect(text).toContain('已持续 8 分 42 秒');
    expect(await cards(page).nth(3).innerText()).toContain('人力资源和社会保障局');
    // the title stays on one line
    expect(await page.locator('.console h1').evaluate((h) => h.getBoundingClientRect().height)).toBeLessThan(32);
    await fitsPhone(page, 'cards');
    await shot(page, 'supervisor-phone-cards');
    await page.tap('[data-testid="filter-toggle"]');
    await page.waitForSelector('[data-testid="filter-severity"]');
    await fitsPhone(page, 'filters');
    await page.selectOption('[data-testid="filter-severity"]', 'red');
    await waitFor('2 red cards', async () => (await cards(page).count()) === 2);
    await shot(page, 'supervisor-phone-filters');
    await page.selectOption('[data-testid="filter-severity"]', '');
    await page.tap('[data-testid="filter-toggle"]');
    await waitFor('5 cards again', async () => (await cards(page).count()) === 5);
  });

  it("opens a card: the detail with its history; back (the button or the phone's back) returns to the cards", async () => {
    const id = (await cards(page).first().getAttribute('data-alert-id'))!;
    await cards(page).first().tap();
    await page.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${id}"]`);
    expect(new URL(page.url()).searchParams.get('alert')).toBe(id);
    expect(await cards(page).count()).toBe(0);
    expect(await page.textContent('[data-testid="alert-history"]')).toContain('产生预警');
    await fitsPhone(page, 'detail');
    await shot(page, 'supervisor-phone-detail');
    await page.tap('[data-testid="detail-back"]');
    await waitFor('the cards', async () => (await cards(page).count()) === 5);
    expect(new URL(page.url()).searchParams.get('alert')).toBeNull();

    await cards(page).first().tap();
    await page.waitForSelector('[data-testid="alert-detail"]');
    await page.goBack();
    await waitFor("the cards after the phone's back", async () => (await cards(page).count()) === 5);
    expect(await page.locator('[data-testid="alert-detail"]').count()).toBe(0);
  });

  it('acknowledges, then resolves only with a note; the card leaves the list', async () => {
    const red = page.locator('[data-testid="alert-card"][data-rule="case-red"]');
    const id = (await red.first().getAttribute('data-alert-id'))!;
    await red.first().tap();
    await page.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${id}"]`);
    await page.tap('[data-testid="detail-ack"]');
    await page.waitForSelector('[data-testid="notice"] >> text=已确认');
    await page.waitForSelector('[data-testid="detail-ack"]', { state: 'detached' });
    expect(await page.textContent('[data-testid="alert-history"]')).toContain(SUPERVISOR.username);

    await page.tap('[data-testid="detail-resolve"]');
    await page.waitForSelector('text=请填写处置说明后再办结');
    expect((await hub.alerts.store.get(id))?.state).toBe('acknowledged');
    await page.fill('[data-testid="resolve-note"]', '已电话督促不动产登记中心今日办结');
    await fitsPhone(page, 'resolve');
    await shot(page, 'supervisor-phone-resolve');
    await page.tap('[data-testid="detail-resolve"]');
    // back to the cards once (our own answer and the live message that follows both remove the alert)
    await waitFor('back to the cards', async () => (await cards(page).count()) === 4);
    expect(new URL(page.url()).pathname).toBe('/screens/supervisor');
    expect(await page.locator(`[data-testid="alert-card"][data-alert-id="${id}"]`).count()).toBe(0);
    expect(await page.textContent('[data-testid="count-red"]')).toBe('1');
    const resolved = await hub.alerts.store.get(id);
    expect(resolved?.state).toBe('resolved');
    expect(resolved?.history.at(-1)).toMatchObject({ action: 'resolved', by: SUPERVISOR.username, note: '已电话督促不动产登记中心今日办结' });
    await shot(page, 'supervisor-phone-after-resolve');

    // the card's own button acknowledges without opening it
    const wait = page.locator('[data-testid="alert-card"][data-rule="wait"]').first();
    const waitId = (await wait.getAttribute('data-alert-id'))!;
    await wait.locator('[data-testid="card-ack"]').tap();
    await waitFor(
      'the wait alert acknowledged',
      async () => (await page.getAttribute(`[data-testid="alert-card"][data-alert-id="${waitId}"]`, 'data-state')) === 'acknowledged',
    );
    expect(await page.locator('[data-testid="alert-detail"]').count()).toBe(0);
  });

  it('toggles the sound', async () => {
    const toggle = page.locator('[data-testid="sound-toggle"]');
    expect(await toggle.textContent()).toBe('声音开');
    await toggle.tap();
    expect(await toggle.textContent()).toBe('声音已关');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.tap();
    expect(await toggle.textContent()).toBe('声音开');
    // an open red card is still waiting: the red rhythm goes on
    expect(await page.getAttribute('.console', 'data-sound')).toBe('red');
  });

  it('fits the windows, history and audit tabs to the phone too', async () => {
    for (const tab of ['windows', 'history', 'audit'] as const) {
      await page.tap(`[data-testid="tab-${tab}"]`);
      await page.waitForSelector(
        { windows: '[data-testid="window-tile"]', history: '[data-testid="history-table"] >> text=已电话督促', audit: '[data-testid="audit-row"]' }[tab],
      );
      await fitsPhone(page, tab);
      await shot(page, `supervisor-phone-${tab}`);
    }
    await page.tap('[data-testid="tab-live"]');
    await waitFor('the cards', async () => (await cards(page).count()) === 4);
  });

  it('opens the alert of a link /screens/supervisor?alert=<id> after sign-in, and an ended one read-only', async () => {
    const open = (await hub.alerts.store.list({ states: ['open'], depts: null })).find((a) => a.rule === 'case-yellow')!;
    const link = `/screens/supervisor?alert=${open.id}`;
    const { context: linkContext, page: p } = await openSignedIn(browser, hub, SUPERVISOR, { touch: true, errors, link });
    await p.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${open.id}"]`);
    expect(await p.textContent('[data-testid="alert-detail"]')).toContain('办件临期');
    await fitsPhone(p, 'linked detail');
    await shot(p, 'supervisor-phone-deeplink');
    // back from a linked alert: the cards, and the address loses ?alert
    await p.tap('[data-testid="detail-back"]');
    await waitFor('the cards', async () => (await cards(p).count()) === 4);
    expect(new URL(p.url()).searchParams.get('alert')).toBeNull();

    // an alert resolved a minute ago: its detail with the note, no actions
    const ended = (await hub.alerts.store.list({ states: ['resolved'], depts: null }))[0]!;
    await p.goto(`${hub.url}/screens/supervisor?alert=${ended.id}`);
    await p.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${ended.id}"]`);
    expect(await p.textContent('[data-testid="alert-history"]')).toContain('已电话督促不动产登记中心今日办结');
    expect(await p.locator('[data-testid="detail-resolve"]').count()).toBe(0);
    await linkContext.close();

    // the same link on a desktop selects that alert instead of the first row
    const { context: desk, page: d } = await openSignedIn(browser, hub, SUPERVISOR, { touch: false, errors, link });
    await d.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${open.id}"]`);
    await d.waitForSelector(`[data-testid="alert-row"][data-alert-id="${open.id}"].sel`);
    await desk.close();
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
