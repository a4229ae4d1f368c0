/**
 * 差评整改 as a record, end to end with real Redis and a real hub: a bad review's follow-up is
 * stored once, resolves its alert and counts on the review's day (in time, or late after the due
 * working day); a wrong body is a 400 naming the field and stores nothing; the day's 整改率 is
 * followed up in time / bad reviews.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/alerts.ts';
import { rectificationRate } from '../../common/figures.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { postEvents, testPrefix } from '../helpers/test-hub.ts';
import { addUser, allAlerts, api, ADMIN_PASSWORD, settle, signIn, startAlertHub, TestClock } from '../alerts/alert-hub.ts';

const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const DEPT = 'yiyang.realestate';
const WINDOW = 'yiyang.w001';

describe('bad-review follow-ups (差评整改)', () => {
  const clock = new TestClock(t('10:00'));
  let hub: Hub;
  let admin: string;
  let supervisor: string;
  let reviews: Alert[];
  const ratingIds: string[] = [];

  const followUp = (id: string, body: unknown, cookie = supervisor) =>
    api(hub, 'POST', `/api/v1/reviews/${encodeURIComponent(id)}/follow-up`, { cookie, body });
  const listing = (query: string, cookie = admin) => api(hub, 'GET', `/api/v1/reviews/follow-ups?${query}`, { cookie });
  const stored = async () => (await hub.redis.keys(`${hub.keys.prefix}reviews:fu:*`)).length;

  beforeAll(async () => {
    hub = await startAlertHub(testPrefix(), clock);
    admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    supervisor = await addUser(hub, 'sup-review', 'supervisor', [DEPT]);
    // three bad reviews and a good one at window 1 of 不动产登记
    const events = [
      ev.rating(t('09:00'), 1, WINDOW, DEPT),
      ev.rating(t('09:10'), 2, WINDOW, DEPT),
      ev.rating(t('09:20'), 2, WINDOW, DEPT),
      ev.rating(t('09:30'), 5, WINDOW, DEPT),
    ];
    ratingIds.push(...events.map((e) => e.id));
    const { status } = await postEvents(hub, 'rating', events);
    expect(status).toBe(202);
    await settle(hub);
    reviews = (await allAlerts(hub)).filter((a) => a.rule === 'review');
    expect(reviews.map((a) => a.subject)).toEqual(ratingIds.slice(0, 3).map((id) => `review:${id}`));
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('refuses a wrong body with 400 naming the field, and stores nothing', async () => {
    const id = reviews[0]!.id;
    const cases: [unknown, string][] = [
      [{}, 'result'],
      [{ result: '已整改' }, 'result'],
      [{ result: '已联系-已整改', rerating: 6 }, 'rerating'],
      [{ result: '已联系-已整改', rerating: 2.5 }, 'rerating'],
      [{ result: '无法联系', rerating: 3 }, 'rerating'],
      [{ result: '已联系-已整改', note: 'x'.repeat(1001) }, 'note'],
      [{ result: '已联系-已整改', extra: 1 }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await followUp(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.field, JSON.stringify(body)).toBe(field);
    }
    expect(await stored()).toBe(0);
    expect((await hub.alerts.store.get(id))!.state).toBe('open');
    expect((await listing(`scope=dept:${DEPT}&date=${DAY}`)).body.figures).toMatchObject({ bad: 3, followedUp: 0, inTime: 0 });
  });

  it('refuses others: an unknown id, a supervisor of another department, a leader', async () => {
    expect((await followUp('no-such-review', { result: '无法联系' })).status).toBe(404);
    const other = await addUser(hub, 'sup-other', 'supervisor', ['yiyang.hrss']);
    expect((await followUp(reviews[0]!.id, { result: '无法联系' }, other)).status).toBe(403);
    const leader = await addUser(hub, 'leader-review', 'leader');
    expect((await followUp(reviews[0]!.id, { result: '无法联系' }, leader)).status).toBe(403);
    expect(await stored()).toBe(0);
  });

  it('records a follow-up in time by the rating id, resolves the alert, and refuses a second one (409)', async () => {
    clock.set(t('15:00'));
    const res = await followUp(ratingIds[0]!, { result: '已联系-已整改', note: '已致电群众并道歉', rerating: 4 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.followUp).toMatchObject({
      review: ratingIds[0],
      alertId: reviews[0]!.id,
      by: 'sup-review',
      result: '已联系-已整改',
      rerating: 4,
      inTime: true,
      reratedSatisfied: true,
      reviewDay: DAY,
      score: 1,
    });
    expect(res.body.alert.state).toBe('resolved');
    expect(res.body.alert.history.at(-1)).toMatchObject({
      action: 'resolved',
      by: 'sup-review',
      note: '差评回访：已联系-已整改，重新评价 4 星。已致电群众并道歉',
    });
    const again = await followUp(reviews[0]!.id, { result: '无法联系' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already-followed-up');
  });

  it('counts a follow-up after the due working day as late', async () => {
    const late = reviews[1]!;
    clock.t = late.dueAt! + 60_000;
    await settle(hub);
    // not followed up in time: the card has turned red and is still open
    expect((await hub.alerts.store.get(late.id))!).toMatchObject({ state: 'open', severity: 'red' });
    const res = await followUp(late.id, { result: '已联系-群众不认可', rerating: 2 });
    expect(res.status).toBe(200);
    expect(res.body.followUp).toMatchObject({ inTime: false, reratedSatisfied: false, reviewDay: DAY });
    expect(res.body.alert.state).toBe('resolved');
  });

  it("answers the day's figures and follow-ups per scope: 整改率 = in time / bad reviews", async () => {
    for (const scope of ['city', 'center:yiyang', `dept:${DEPT}`, `window:${WINDOW}`]) {
      const res = await listing(`scope=${scope}&date=${DAY}`);
      expect(res.status).toBe(200);
      expect(res.body.figures, scope).toEqual({ bad: 3, followedUp: 2, inTime: 1, reratedSatisfied: 1, rectificationRate: rectificationRate(1, 3) });
      expect(res.body.followUps.map((f: any) => f.review)).toEqual(ratingIds.slice(0, 2));
    }
    expect(rectificationRate(1, 3)).toBeCloseTo(1 / 3);
    // another department: none of them
    const hrss = await listing(`scope=dept:yiyang.hrss&date=${DAY}`);
    expect(hrss.body).toMatchObject({ figures: { bad: 0, followedUp: 0, rectificationRate: null }, followUps: [] });
    // a supervisor reads their own department only
    expect((await listing(`scope=dept:${DEPT}&date=${DAY}`, supervisor)).status).toBe(200);
    expect((await listing(`date=${DAY}`, supervisor)).status).toBe(403);
    expect((await listing('date=yesterday')).status).toBe(400);
    expect((await listing('scope=dept:nope')).status).toBe(404);
  });
});
