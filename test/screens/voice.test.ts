/**
 * The hall speaks its calls (docs/screens.md#voice-calling): real hub, real Redis, real Chromium
 * started as the kiosk is (`--autoplay-policy=no-user-gesture-required`), the committed clips
 * played through Web Audio. An init script records what is played, from the browser's own
 * objects: the clip name of each fetched file, carried to its decoded buffer and to each
 * AudioBufferSourceNode.start (with its start and end on the context's clock); also every
 * speechSynthesis.speak and HTMLMediaElement.play, which must not happen here (no zh voice in
 * headless Chromium: the clips are the engine).
 * Office hours are the hub's: the hall asks the hub's time (web/hub-clock.ts), so the test moves
 * the hub's clock (10:00, office hours; 21:00, not; the next day's 10:00) and sets the screen PC's
 * own clock (Playwright's) to the other kind of hour, which must not matter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toShanghaiIso } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import type {} from '../../screens/hall/hall-voice.ts'; // window.__ygVoice
import { MAX_WAITING } from '../../web/voice/voice-announcer.ts';
import { announcementTokens } from '../../web/voice/voice-tokens.ts';
import { launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { ev } from '../helpers/events.ts';
import { dayFromToday, instant, TODAY } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Played {
  kind: 'clip' | 'speech' | 'media';
  name: string;
  start: number;
  end: number;
}

/** Runs in the page before its scripts. */
function recordPlayback(): void {
  const w = window as unknown as { __played: Played[] };
  w.__played = [];
  const fileNames = new WeakMap<ArrayBuffer, string>();
  const bufferNames = new WeakMap<AudioBuffer, string>();
  const arrayBuffer = Response.prototype.arrayBuffer;
  Response.prototype.arrayBuffer = async function (this: Response) {
    const bytes = await arrayBuffer.call(this);
    // Vite's asset names: /screens/assets/<clip>-<hash>.wav
    const m = /\/([A-Za-z0-9]+)-[^/]*\.wav$/.exec(this.url);
    if (m) fileNames.set(bytes, m[1]!);
    return bytes;
  };
  const decode = BaseAudioContext.prototype.decodeAudioData;
  BaseAudioContext.prototype.decodeAudioData = function (this: BaseAudioContext, bytes: ArrayBuffer) {
    const name = fileNames.get(bytes) ?? '?';
    return decode.call(this, bytes).then((buffer) => {
      bufferNames.set(buffer, name);
      return buffer;
    });
  } as typeof decode;
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (this: AudioBufferSourceNode, when = 0, ...rest: number[]) {
    const at = Math.max(when, this.context.currentTime);
    w.__played.push({ kind: 'clip', name: (this.buffer && bufferNames.get(this.buffer)) ?? '?', start: at, end: at + (this.buffer?.duration ?? 0) });
    return start.call(this, when, ...rest);
  };
  const speak = speechSynthesis.speak.bind(speechSynthesis);
  speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
    // start and end from the utterance's own events (seconds of the page's clock)
    const entry: Played = { kind: 'speech', name: u.text, start: NaN, end: NaN };
    w.__played.push(entry);
    u.addEventListener('start', () => (entry.start = performance.now() / 1000));
    u.addEventListener('end', () => (entry.end = performance.now() / 1000));
    speak(u);
  };
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    w.__played.push({ kind: 'media', name: this.currentSrc || this.src, start: performance.now() / 1000, end: 0 });
    return play.call(this);
  };
}

const played = (page: Page) => page.evaluate(() => (window as unknown as { __played: Played[] }).__played);

// the hub and the browser of the describe block running (blocks run one after the other)
let hub: Hub;
let browser: ScreenBrowser;
let n = 0;

/**
 * The hubs' clock: runs at real speed from the time of day last set (only ever forward: calls
 * must not go back in time), today unless a date is given.
 */
let hubFrom = instant('10:00');
let hubSetAt = Date.now();
const hubTime = () => hubFrom + (Date.now() - hubSetAt);
function setHubTime(time: string, date: string = TODAY): void {
  const to = instant(time, date);
  expect(to).toBeGreaterThanOrEqual(hubTime());
  hubFrom = to;
  hubSetAt = Date.now();
}

async function call(...calls: [ticket: string, window: string][]): Promise<void> {
  const base = hubTime() - 1000 * calls.length;
  const events = calls.map(([ticket, window], i) => ev.called(toShanghaiIso(base + i * 1000), ticket, window));
  const { status, body } = await postEvents(hub, 'queue', events);
  expect(status).toBe(202);
  expect(body.rejected).toEqual([]);
}

/**
 * A hall page with the recorder, live, its PC clock standing at `pcTime` (Asia/Shanghai, today):
 * an hour of the other kind than the hub's, which the hall must not go by.
 */
async function openHall(query: string, pcTime: string): Promise<Page> {
  const page = await browser.context.newPage();
  browser.errors.set(page, []);
  page.on('pageerror', (e) => browser.errors.get(page)!.push(e.message));
  await page.addInitScript(recordPlayback);
  await page.clock.setFixedTime(instant(pcTime));
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${hub.url}/screens/hall${query}`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
  return page;
}

const ticket = (prefix: string) => `${prefix}${String(++n).padStart(3, '0')}`;

describe('hall voice calling', () => {
  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: hubTime });
    browser = await launchScreenBrowser(['--autoplay-policy=no-user-gesture-required']);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('has the office hours of config/alerts.json in the hall config', async () => {
    const res = await fetch(`${hub.url}/api/v1/screens/hall`);
    expect(res.status).toBe(200);
    expect((await res.json()).officeHours).toEqual([
      { from: '08:30', to: '12:00' },
      { from: '14:00', to: '17:30' },
    ]);
  });

  it('reads two calls made in quick succession, each twice, one after the other, in the order they were made', async () => {
    const page = await openHall('', '21:00');
    expect(await page.locator('[data-testid="voice-hint"]').count()).toBe(0);
    const [a, b] = [ticket('A'), ticket('B')];
    await call([a, 'yiyang.w005'], [b, 'yiyang.w012']);
    const first = announcementTokens(a, 5);
    const second = announcementTokens(b, 12);
    expect(first.slice(0, 6)).toEqual(['qing', 'A', 'd0', 'd0', 'd1', 'hao']);
    expect(second.slice(-4)).toEqual(['dao', 'shi', 'd2', 'window']); // 十二 号窗口
    const expected = [...first, ...first, ...second, ...second];
    await waitFor('both calls read twice', async () => (await played(page)).length >= expected.length, 60_000);
    const list = await played(page);
    expect(list.map((p) => `${p.kind}:${p.name}`)).toEqual(expected.map((t) => `clip:${t}`));
    // never two at once: each clip starts when (or after) the one before has ended
    for (let i = 1; i < list.length; i++) expect(list[i]!.start, `clip ${i} (${list[i]!.name})`).toBeGreaterThanOrEqual(list[i - 1]!.end - 1e-6);
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('never falls far behind a burst of calls: at most MAX_WAITING readings wait, the newest call is read', async () => {
    const page = await openHall('?voice=on', '21:00');
    const burst = [1, 2, 3, 4, 5, 6].map((w) => [ticket('F'), `yiyang.w00${w}`] as [string, string]);
    await call(...burst);
    const readings = burst.map(([t], i) => announcementTokens(t, i + 1).join(' '));
    const last = readings[readings.length - 1]!;
    // the readings of the burst, split at each 请 (every reading starts with it)
    const heard = async () =>
      (await played(page))
        .map((p) => p.name)
        .join(' ')
        .split(/ ?(?=qing)/)
        .filter(Boolean);
    await waitFor('the newest call read', async () => (await heard()).includes(last), 90_000);
    const list = await heard();
    expect(list.length).toBeLessThanOrEqual(1 + MAX_WAITING);
    expect(list[0]).toBe(readings[0]); // the first call started at once
    // in the order of the calls, every reading one of them
    const order = list.map((r) => readings.indexOf(r));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const clips = await played(page);
    for (let i = 1; i < clips.length; i++) expect(clips[i]!.start).toBeGreaterThanOrEqual(clips[i - 1]!.end - 1e-6);
    await page.close();
  }, 120_000);

  it('says nothing with ?voice=off, while a hall that may speak reads the same call', async () => {
    const off = await openHall('?voice=off', '21:00');
    const witness = await openHall('?voice=on', '21:00'); // the URL wins over the stored "off"
    const t = ticket('C');
    await call([t, 'yiyang.w003']);
    const expected = [...announcementTokens(t, 3), ...announcementTokens(t, 3)];
    await waitFor('the witness read the call twice', async () => (await played(witness)).length >= expected.length, 60_000);
    expect((await played(witness)).map((p) => p.name)).toEqual(expected);
    await off.waitForSelector(`[data-testid="call-latest"][data-ticket="${t}"]`); // it got the call
    expect(await played(off)).toEqual([]);
    expect(await off.evaluate(() => window.__ygVoice)).toBeUndefined(); // no voice at all
    for (const page of [off, witness]) await page.close();
  }, 90_000);

  it("says nothing outside the hub's office hours (21:00), and speaks on that screen once the hub's clock is in them", async () => {
    setHubTime('21:00');
    const page = await openHall('?voice=on', '10:00');
    const night = ticket('D');
    await call([night, 'yiyang.w004']);
    const decided = await waitFor('the voice decided on the call', async () =>
      (await page.evaluate(() => window.__ygVoice?.decisions ?? [])).find((d) => d.ticket === night),
    );
    expect(decided.outcome).toBe('closed');
    expect(await played(page)).toEqual([]);

    // the next day's office hours on the hub; the PC's clock stays at 10:00 throughout
    setHubTime('10:00', dayFromToday(1));
    const day = ticket('E');
    await call([day, 'yiyang.w004']);
    const expected = [...announcementTokens(day, 4), ...announcementTokens(day, 4)];
    await waitFor('the call read twice at 10:00 the next day', async () => (await played(page)).length >= expected.length, 60_000);
    expect((await played(page)).map((p) => p.name)).toEqual(expected);
    await page.close();
  }, 90_000);
});

describe('hall voice in a browser that blocks audio until a gesture', () => {
  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: hubTime });
    browser = await launchScreenBrowser(); // no autoplay flag: Chromium's default policy
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows 点击启用语音 while audio is blocked, and a click enables it', async () => {
    const page = await browser.open(`${hub.url}/screens/hall`, { width: 1920, height: 1080 });
    await page.waitForSelector('[data-testid="voice-hint"]:text("点击启用语音")', { timeout: 10_000 });
    await browser.screenshot(page, 'hall-voice-blocked-1920x1080');
    await page.click('[data-testid="voice-hint"]');
    await page.waitForSelector('[data-testid="voice-hint"]', { state: 'detached', timeout: 5000 });
    await page.close();
  }, 60_000);
});
