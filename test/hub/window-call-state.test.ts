/**
 * The window's snapshot carries the ticket called to it from the call on (the window LED says
 * 请 B417 号 before the ticket is started), while it is served, and no more once it is finished,
 * missed or transferred; a recall shows it again, and a late event never takes back a later call.
 * A real hub and Redis, the hub's clock standing at 16:30 of the test day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowState } from '../../common/snapshot.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const W = 'yiyang.w002';
const noShow = (time: string, ticket: string) => ({ ...ev.finished(at(time), ticket, W), type: 'ticket.noshow' });
const transferred = (time: string, ticket: string) => ({ ...ev.finished(at(time), ticket, W), source: 'window', type: 'ticket.transferred', toQueue: 'B' });

describe('the called ticket in a window snapshot', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('16:30') });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  async function send(...events: object[]): Promise<WindowState> {
    for (const e of events) {
      const source = (e as { source: string }).source as 'queue' | 'window';
      const { status, body } = await postEvents(hub, source, [e]);
      expect(status).toBe(202);
      expect(body.rejected, JSON.stringify(body.rejected)).toEqual([]);
    }
    await drained(hub);
    return (await getJson(hub, `/api/v1/snapshot?scope=window:${W}`)).window as WindowState;
  }

  it('is `called` from the call, `serving` once started, and gone when finished', async () => {
    expect(await send(ev.issued(at('09:00'), 'B417'), ev.called(at('09:05'), 'B417', W))).toMatchObject({
      ticket: 'B417',
      calledAt: at('09:05:00.000'),
      ticketState: 'called',
    });
    expect(await send(ev.started(at('09:06'), 'B417', W))).toMatchObject({ ticket: 'B417', ticketState: 'serving' });
    expect(await send(ev.finished(at('09:20'), 'B417', W))).toMatchObject({ ticket: null, calledAt: null, ticketState: null });
  });

  it('shows a recall again, and clears on a no-show', async () => {
    await send(ev.issued(at('10:00'), 'B418'));
    expect(await send(ev.called(at('10:01'), 'B418', W))).toMatchObject({ ticket: 'B418', ticketState: 'called' });
    expect(await send(ev.called(at('10:02'), 'B418', W))).toMatchObject({ ticket: 'B418', calledAt: at('10:02:00.000'), ticketState: 'called' });
    expect(await send(noShow('10:04', 'B418'))).toMatchObject({ ticket: null, ticketState: null });
  });

  it('clears when the ticket is transferred to another queue', async () => {
    await send(ev.issued(at('11:00'), 'B419'), ev.called(at('11:01'), 'B419', W), ev.started(at('11:02'), 'B419', W));
    expect(await send(transferred('11:10', 'B419'))).toMatchObject({ ticket: null, ticketState: null });
  });

  it('keeps the later call when an earlier ticket ends late or an older call arrives late', async () => {
    await send(ev.issued(at('13:00'), 'B420'), ev.issued(at('13:01'), 'B421'), ev.called(at('14:00'), 'B420', W));
    // B421 is called after B420, and B420's finish (earlier than that call) arrives after it
    await send(ev.called(at('14:10'), 'B421', W));
    expect(await send(ev.finished(at('14:09'), 'B420', W))).toMatchObject({ ticket: 'B421', ticketState: 'called' });
    // a call older than the one shown changes nothing
    expect(await send(ev.called(at('14:05'), 'B420', W))).toMatchObject({ ticket: 'B421', calledAt: at('14:10:00.000') });
    // a call that arrives after its ticket's finish is not shown either
    await send(ev.finished(at('14:30'), 'B421', W), ev.issued(at('14:40'), 'B422'), ev.finished(at('14:50'), 'B422', W));
    expect(await send(ev.called(at('14:45'), 'B422', W))).toMatchObject({ ticket: null, ticketState: null });
  });
});
