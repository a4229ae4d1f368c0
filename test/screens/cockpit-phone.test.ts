/**
 * The cockpit on a phone (390x844, touch, `isMobile`) and a tablet (768x1024) against a real hub
 * fed a month of the city (test/cockpit/cockpit-feed.ts) and a few fees today: the same URL gives a
 * page made for the screen, not the scaled 1920x1080 canvas. A leader signs in with taps, reads
 * the day's cards (the same numbers as GET /api/v1/snapshot), switches to 周 (GET
 * /api/v1/cockpit/period, with 环比/同比), drills down to a department, picks a day; no text is
 * below 12 px and nothing scrolls sideways; the page is installable (its manifest answers JSON
 * with icons). The wall at 1920x1080 keeps the canvas. Screenshots go to /tmp/shots/phone-cockpit/.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { PeriodAnswer } from '../../common/report.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import type { Hub } from '../../server/hub.ts';
import { formatDuration } from '../../screens/cockpit/phone/phone-cards.ts';
import { ARTIFACTS, animationsDone, CHROMIUM, CHROMIUM_ARGS, layoutSettled, prepareScreens } from '../helpers/browser.ts';
import { expectFits } from '../helpers/screen-pages.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, testNow, TODAY } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { cockpitMonth, sendMonth } from '../cockpit/cockpit-feed.ts';
import { getAs, PASSWORD, signedIn, signInOnCockpit } from '../cockpit/cockpit-session.ts';

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };
const SHOTS = '/tmp/shots/phone-cockpit';
const YESTERDAY = dayFromToday(-1);

/** No sideways scrolling (the page or its .phone box) and no text below 12 px at `width`. */
const fits = (page: Page, width: number, view: string) => expectFits(page, { width, minFontPx: 12, view, scroller: '.phone' });

/** data-value of every card, by key. */
function readCards(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid^="card-"]', (els) =>
    Object.fromEntries(els.map((el) => [el.getAttribute('data-testid')!.slice(5), el.getAttribute('data-value') ?? ''])),
  );
}

const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** What the day's cards must hold for a snapshot. */
function dayCards(s: Snapshot): Record<string, string> {
  return {
    accepted: str(s.cases.accepted),
    completed: str(s.cases.completed),
    ontime: str(s.cases.onTimeRate),
    early: str(s.cases.earlyRate),
    satisfaction: str(s.ratings.satisfactionRate),
    waiting: str(s.tickets.waiting),
    avgWait: str(s.tickets.avgWaitSec),
    p90Wait: str(s.tickets.p90WaitSec),
    service: str(s.tickets.avgServiceSec),
    noShow: str(s.tickets.noShowRate),
    fees: str(s.fees.amount),
    trades: str(s.trades.amount),
  };
}

/** What a range's cards must hold for a period answer (no 当前等候: that is a day's). */
function periodCards(a: PeriodAnswer): Record<string, string> {
  const f = a.figures;
  return {
    accepted: str(f.cases.accepted),
    completed: str(f.cases.completed),
    ontime: str(f.cases.onTimeRate),
    early: str(f.cases.earlyRate),
    satisfaction: str(f.ratings.satisfactionRate),
    avgWait: str(f.tickets.avgWaitSec),
    p90Wait: str(f.tickets.p90WaitSec),
    service: str(f.tickets.avgServiceSec),
    noShow: str(f.tickets.noShowRate),
    fees: str(f.fees.amount),
    trades: str(f.trades.amount),
  };
}

describe('cockpit on a phone (/screens/cockpit at 390x844)', () => {
  let hub: Hub;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  let leader: string;
  const errors: string[] = [];
  const snapshot = async (scope: string, date = TODAY) => (await getAs<Snapshot>(hub, `/api/v1/snapshot?scope=${scope}&date=${date}`, leader)).body;
  const period = async (scope: string, kind: string, date = TODAY) =>
    (await getAs<PeriodAnswer>(hub, `/api/v1/cockpit/period?scope=${scope}&period=${kind}&date=${date}`, leader)).body;
  const ready = (p: Page, attrs = '') => p.waitForSelector(`[data-testid="cockpit-phone"][data-ready="1"]${attrs}`, { timeout: 30_000 });
  const watch = (p: Page) => {
    p.setDefaultTimeout(15_000);
    p.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
    });
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    return p;
  };
  const shot = async (p: Page, name: string) => {
    await animationsDone(p);
    await p.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled' });
  };

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: testNow });
    await sendMonth(hub, cockpitMonth(testNow(), 30, 11));
    // fees are not in the month's feed: a few today, so the 收费金额 card has something to show
    const { status } = await postEvents(hub, 'fee', [ev.fee(at('00:01'), 1280.5), ev.fee(at('00:02'), 36000)]);
    expect(status).toBe(202);
    await drained(hub, 60_000);
    leader = await signedIn(hub, 'mayor', 'leader');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'zh-CN', timezoneId: 'UTC' });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('signs in with taps and opens the phone page, not the scaled canvas, without loading the canvas or the charts', async () => {
    page = watch(await phone.newPage());
    await signInOnCockpit(
      page,
      hub,
      { username: 'mayor', password: PASSWORD },
      {
        at: testNow(),
        touch: true,
        onForm: async () => {
          await fits(page, PHONE.width, 'sign-in');
          await shot(page, 'phone-signin');
        },
      },
    );
    await ready(page, '[data-range="day"]');
    expect(await page.locator('.yg-viewport').count()).toBe(0);
    expect(await page.locator('[data-testid="cockpit"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="phone-scope"]')).toBe('全市');
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop() ?? ''));
    expect(scripts.filter((s) => /^CockpitBoard-/.test(s))).toEqual([]);
    expect(await page.locator('.yg-chart').count()).toBe(0);
  });

  it("shows the day's cards equal to GET /api/v1/snapshot, with the five rating levels", async () => {
    const s = await snapshot('city');
    expect(s.cases.accepted).toBeGreaterThan(0);
    expect(s.fees.amount).toBe(37280.5);
    await expect.poll(() => readCards(page)).toEqual(dayCards(s));
    expect(await page.textContent('[data-testid="card-fees"] [data-part="value"]')).toBe('3.73');
    expect(await page.textContent('[data-testid="card-p90Wait"] [data-part="value"]')).toBe(formatDuration(s.tickets.p90WaitSec));
    const levels = await page.$$eval('[data-testid="phone-levels"] li', (els) =>
      els.map((el) => [el.getAttribute('data-score'), Number(el.getAttribute('data-count'))]),
    );
    expect(levels).toEqual(['5', '4', '3', '2', '1'].map((k) => [k, s.ratings.byScore[k as '5']]));
    expect(await page.textContent('[data-testid="phone-levels"]')).toContain('非常不满意');
    await fits(page, PHONE.width, 'day');
    await shot(page, 'phone-day');
  });

  it('loads the trend chart when it is scrolled to, sized to the screen', async () => {
    await page.locator('[data-testid="phone-drill"]').scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-testid="phone-trend"] canvas');
    const box = await page.locator('[data-testid="phone-trend"]').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(PHONE.width - 24);
    expect(await page.getAttribute('[data-testid="phone-trend"]', 'data-points')).toBe('24');
    await fits(page, PHONE.width, 'day, scrolled');
    await shot(page, 'phone-day-trend');
  });

  it('switches to 周: fetches the period and shows its figures with 环比 and 同比', async () => {
    const asked = page.waitForResponse((r) => r.url().includes('/api/v1/cockpit/period?') && r.url().includes('period=week'));
    await page.tap('[data-testid="range-week"]');
    expect((await asked).status()).toBe(200);
    await ready(page, '[data-range="week"]');
    const a = await period('city', 'week');
    expect(await readCards(page)).toEqual(periodCards(a));
    const changes = await page.$$eval('[data-testid="card-ontime"] [data-change]', (els) => els.map((el) => el.getAttribute('data-change')));
    expect(changes).toEqual(['环比', '同比']);
    const mom = a.change['cases.onTimeRate']!.mom;
    const momText = await page.textContent('[data-testid="card-ontime"] [data-change="环比"]');
    if (mom === null) expect(momText).toContain('无可比数据');
    else expect(momText).toContain(Math.abs(mom) < 0.0005 ? '持平' : `${(Math.round(Math.abs(mom) * 1000) / 10).toFixed(1)}个百分点`);
    expect(await page.textContent('[data-testid="phone-period"]')).toContain(a.period.label);
    await page.locator('.phone').evaluate((el) => el.scrollTo({ top: 0 }));
    await fits(page, PHONE.width, 'week');
    await shot(page, 'phone-week');
  });

  it('drills down by taps to a center and a department, showing their figures, and goes back by the breadcrumb', async () => {
    await page.tap('[data-testid="range-day"]');
    await ready(page, '[data-range="day"]');
    await page.tap('[data-testid="phone-drill"] button[data-scope="center:yiyang"]');
    await ready(page, '[data-scope="center:yiyang"]');
    await expect.poll(() => readCards(page)).toEqual(dayCards(await snapshot('center:yiyang')));
    const dept = page.locator('[data-testid="phone-drill"] button[data-scope^="dept:"]').first();
    const deptScope = (await dept.getAttribute('data-scope'))!;
    await dept.tap();
    await ready(page, `[data-scope="${deptScope}"]`);
    const s = await snapshot(deptScope);
    expect(s.cases.accepted).toBeGreaterThan(0);
    await expect.poll(() => readCards(page)).toEqual(dayCards(s));
    expect(await page.textContent('[data-testid="phone-crumbs"]')).toContain('全市');
    expect(await page.locator('[data-testid="phone-drill"] button[data-scope^="window:"]').count()).toBeGreaterThan(0);
    await fits(page, PHONE.width, 'department');
    await shot(page, 'phone-drill-dept');
    await page.tap('[data-testid="phone-crumbs"] button[data-scope="city"]');
    await ready(page, '[data-scope="city"]');
  });

  it('picks a past day with the native date input', async () => {
    await page.fill('[data-testid="phone-date"]', YESTERDAY);
    await page.dispatchEvent('[data-testid="phone-date"]', 'change');
    await ready(page, `[data-date="${YESTERDAY}"][data-range="day"]`);
    const s = await snapshot('city', YESTERDAY);
    await expect.poll(() => readCards(page)).toEqual(dayCards(s));
    expect(await page.getAttribute('[data-testid="phone-date"]', 'max')).toBe(TODAY);
    expect(errors).toEqual([]);
  });

  it('is installable: the manifest link answers JSON with its icons, which are served', async () => {
    const href = await page.getAttribute('link[rel="manifest"]', 'href');
    expect(href).toBe('/screens/cockpit/manifest.webmanifest');
    const res = await fetch(`${hub.url}${href}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string; type: string }[] };
    expect(manifest.start_url).toBe('/screens/cockpit');
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512']);
    for (const icon of manifest.icons) {
      const img = await fetch(`${hub.url}${icon.src}`);
      expect(img.status, icon.src).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
    }
    expect((await fetch(`${hub.url}/screens/hall/manifest.webmanifest`)).status).toBe(404);
    // the page's bundles answer compressed to a browser, byte for byte the file, and plain to a client that asks for it
    const script = (await page.getAttribute('script[type="module"]', 'src'))!;
    const plain = await fetch(`${hub.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const original = Buffer.from(await plain.arrayBuffer());
    for (const encoding of ['br', 'gzip']) {
      const packed = await fetch(`${hub.url}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(packed.headers.get('content-encoding')).toBe(encoding);
      expect(packed.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(Buffer.from(await packed.arrayBuffer()).equals(original)).toBe(true);
    }
  });

  it('paints the first data fast on a cold phone load (figures in test-artifacts/screens/cockpit-phone-load.json)', async () => {
    const cold = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'zh-CN', timezoneId: 'UTC' });
    await cold.addCookies([{ name: leader.split('=')[0]!, value: leader.slice(leader.indexOf('=') + 1), url: hub.url }]);
    const p = watch(await cold.newPage());
    // the real performance timeline, kept before the fake clock below replaces `performance`
    await p.addInitScript(() => {
      (window as unknown as { realPerformance: Performance }).realPerformance = performance;
    });
    await p.clock.setFixedTime(testNow());
    const cdp = await cold.newCDPSession(p);
    await cdp.send('Performance.enable');
    await p.goto(`${hub.url}/screens/cockpit`);
    await ready(p);
    const { paint, readyAt, js } = await p.evaluate(() => {
      const perf = (window as unknown as { realPerformance: Performance }).realPerformance;
      return {
        paint: Object.fromEntries(perf.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)])),
        readyAt: Math.round(perf.now()),
        js: perf
          .getEntriesByType('resource')
          .filter((e) => e.name.endsWith('.js'))
          .reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0),
      };
    });
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const scriptMs = Math.round((metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000);
    const figures = { firstContentfulPaintMs: paint['first-contentful-paint'] ?? null, dataReadyMs: readyAt, scriptMs, jsBytes: js };
    console.log(`phone cockpit: ${JSON.stringify(figures)}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'cockpit-phone-load.json'), JSON.stringify(figures));
    expect(figures.firstContentfulPaintMs).not.toBeNull();
    // the bundles come compressed (server/screens/compressed-assets.ts): ~300 KB of script is ~100 KB on the wire
    expect(figures.jsBytes).toBeGreaterThan(0);
    expect(figures.jsBytes).toBeLessThan(150_000);
    expect(await p.locator('.yg-chart').count()).toBe(0);
    await cold.close();
  });

  // Lighthouse's mobile profile on the phone page and, for comparison, on the scaled canvas the phone
  // got before (?layout=wall). Needs the lighthouse CLI (not a dependency: YG_LIGHTHOUSE=<path to its bin>).
  it.runIf(process.env.YG_LIGHTHOUSE)('scores the phone page with Lighthouse (mobile profile)', { timeout: 240_000 }, async () => {
    const scores: Record<string, { score: number; fcpMs: number; tbtMs: number; lcpMs: number }> = {};
    for (const [name, query] of [
      ['phone', ''],
      ['canvas', '?layout=wall'],
    ] as const) {
      const out = path.join(ARTIFACTS, `cockpit-lighthouse-${name}.json`);
      // asynchronously: the hub under test answers from this process
      await promisify(execFile)(
        process.env.YG_LIGHTHOUSE!,
        [
          `${hub.url}/screens/cockpit${query}`,
          '--only-categories=performance',
          '--output=json',
          `--output-path=${out}`,
          `--extra-headers=${JSON.stringify({ Cookie: leader })}`,
          '--chrome-flags=--headless --no-sandbox --disable-gpu',
          '--quiet',
          '--max-wait-for-load=30000',
        ],
        { env: { ...process.env, CHROME_PATH: CHROMIUM }, timeout: 110_000 },
      );
      const lhr = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        categories: { performance: { score: number } };
        audits: Record<string, { numericValue: number }>;
      };
      scores[name] = {
        score: Math.round(lhr.categories.performance.score * 100),
        fcpMs: Math.round(lhr.audits['first-contentful-paint']!.numericValue),
        tbtMs: Math.round(lhr.audits['total-blocking-time']!.numericValue),
        lcpMs: Math.round(lhr.audits['largest-contentful-paint']!.numericValue),
      };
    }
    console.log(`lighthouse mobile: ${JSON.stringify(scores)}`);
    expect(scores.phone!.score).toBeGreaterThan(scores.canvas!.score);
  });

  it('gives a tablet (768x1024) the page with three cards a row, and the wall (1920x1080) the canvas', async () => {
    const tablet = await browser.newContext({ viewport: TABLET, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'UTC' });
    await tablet.addCookies([{ name: leader.split('=')[0]!, value: leader.slice(leader.indexOf('=') + 1), url: hub.url }]);
    const t = watch(await tablet.newPage());
    await t.clock.setFixedTime(testNow());
    await t.goto(`${hub.url}/screens/cockpit`);
    await ready(t);
    const tops = await t.$$eval('[data-testid^="card-"]', (els) => els.slice(0, 3).map((el) => Math.round(el.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    await fits(t, TABLET.width, 'tablet');
    await shot(t, 'tablet-day');
    await tablet.close();

    const wall = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC' });
    await wall.addCookies([{ name: leader.split('=')[0]!, value: leader.slice(leader.indexOf('=') + 1), url: hub.url }]);
    const w = watch(await wall.newPage());
    await w.clock.setFixedTime(testNow());
    await w.goto(`${hub.url}/screens/cockpit`);
    await w.waitForSelector('[data-testid="cockpit"][data-cockpit-ready="1"]', { timeout: 60_000 });
    expect(await w.locator('[data-testid="cockpit-phone"]').count()).toBe(0);
    // item 4 on the wall: p90 wait, service time, no-show rate, fees and the five levels, as the snapshot has them
    const s = await snapshot('city');
    const strip = () =>
      w.$$eval('[data-testid="service-strip"] [data-figure], [data-testid="service-strip"] [data-score]', (els) =>
        els.map((el) => el.getAttribute('data-value') ?? el.getAttribute('data-count')),
      );
    await expect
      .poll(strip)
      .toEqual([
        str(s.tickets.p90WaitSec),
        str(s.tickets.avgServiceSec),
        str(s.tickets.noShowRate),
        str(s.fees.amount),
        ...['5', '4', '3', '2', '1'].map((k) => str(s.ratings.byScore[k as '5'])),
      ]);
    await layoutSettled(w, { width: 1920, height: 1080 });
    await shot(w, 'wall-1920');
    // the strip leaves room for the longest breadcrumb: a window of a department with a long name
    const catalog = (await getAs<{ windows: { code: string; dept: string }[] }>(hub, '/api/v1/catalog', leader)).body;
    const windowCode = catalog.windows.find((x) => x.dept === 'yiyang.hrss')!.code;
    await w.goto(`${hub.url}/screens/cockpit?scope=window:${windowCode}`);
    await w.waitForSelector(`[data-testid="cockpit"][data-scope="window:${windowCode}"][data-cockpit-ready="1"]`, { timeout: 60_000 });
    const crumbsRight = await w
      .locator('[data-testid="breadcrumb"]')
      .evaluate((el) => Math.max(...[...el.children].map((c) => c.getBoundingClientRect().right)));
    const stripBox = (await w.locator('[data-testid="service-strip"]').boundingBox())!;
    expect(stripBox.x).toBeGreaterThan(crumbsRight);
    expect(stripBox.x + stripBox.width).toBeLessThanOrEqual(1920);
    await layoutSettled(w, { width: 1920, height: 1080 });
    await shot(w, 'wall-1920-window');
    await wall.close();
    expect(errors).toEqual([]);
  });
});
