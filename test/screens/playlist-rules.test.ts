/**
 * Playlists' pure rules (docs/screens.md#playlists): the section's schema, which playlist a screen
 * follows, which period an instant is in by office hours and the holiday calendar, which sequence
 * a period shows, which item is due, and what the screen does about it. Fixed dates: nothing here
 * touches Redis or a hub.
 */
import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../common/calendar.ts';
import { assignedPlaylist, itemAt, periodAt, playlistsSectionSchema, sequenceOf, type PlaylistsSection } from '../../common/playlists.ts';
import { EARLY_LEEWAY_MS, pageMatches, playlistStep } from '../../web/playlist/playlist-step.ts';
import { newPlaylist, toDraft, toStored } from '../../screens/admin/model/playlists-draft.ts';

const calendar = createWorkCalendar();
const isWorkday = (day: number) => calendar.isWorkday(day);
const office = [
  { from: 8 * 60 + 30, to: 12 * 60 },
  { from: 14 * 60, to: 17 * 60 + 30 },
];
const at = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);

const section: PlaylistsSection = playlistsSectionSchema.parse({
  playlists: {
    day: {
      name: '大厅白天',
      items: [
        { path: '/screens/hall', seconds: 3 },
        { path: '/screens/window/yiyang.w001', seconds: 5 },
      ],
      schedule: { closed: 'night' },
    },
    night: { name: '闭厅', items: [{ path: '/screens/hall?notice=1', seconds: 60 }] },
    weekend: { name: '周末', items: [{ path: '/screens/hall', seconds: 10 }], schedule: { holiday: [{ path: '/screens/window/yiyang.w002', seconds: 20 }] } },
  },
  assignments: { screens: { 'hall-2': 'weekend' }, groups: { hall: 'day' } },
});

describe('the playlists section', () => {
  it('fills the defaults: an empty schedule, empty assignments', () => {
    const s = playlistsSectionSchema.parse({ playlists: { a: { name: 'A', items: [{ path: '/screens/hall', seconds: 1 }] } } });
    expect(s.playlists.a!.schedule).toEqual({});
    expect(s.assignments).toEqual({ screens: {}, groups: {} });
  });

  it('refuses pages off /screens/, seconds under 1, references to no playlist, and ids that could be object keys', () => {
    const bad = playlistsSectionSchema.safeParse({
      playlists: {
        a: {
          name: 'A',
          items: [
            { path: 'https://evil.example/', seconds: 5 },
            { path: '/screens/../api/v1/admin', seconds: 5 },
            { path: '/screens/hall', seconds: 0 },
          ],
          schedule: { closed: 'nope' },
        },
        __proto__x: { name: 'B', items: [{ path: '/screens/hall', seconds: 5 }] },
      },
      assignments: { screens: { 'pl-1': 'missing' }, groups: {} },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['playlists.a.items.0.path', 'playlists.a.items.1.path', 'playlists.a.items.2.seconds', 'playlists.__proto__x']),
    );
    // the references are checked once the lists parse
    const refs = playlistsSectionSchema.safeParse({
      playlists: { a: { name: 'A', items: [{ path: '/screens/hall', seconds: 5 }], schedule: { closed: 'nope' } } },
      assignments: { screens: { 'pl-1': 'missing' } },
    });
    expect(refs.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['assignments.screens.pl-1', 'playlists.a.schedule.closed']);
  });

  it('is the seed file config/playlists.json', async () => {
    const { default: seed } = await import('../../config/playlists.json', { with: { type: 'json' } });
    expect(playlistsSectionSchema.safeParse(seed).success).toBe(true);
  });
});

describe('which playlist a screen follows', () => {
  it('its own assignment, else its group, else none', () => {
    expect(assignedPlaylist(section, 'hall-2', 'hall')).toEqual({ id: 'weekend', via: 'screen' });
    expect(assignedPlaylist(section, 'hall-1', 'hall')).toEqual({ id: 'day', via: 'group' });
    expect(assignedPlaylist(section, 'window-1', 'window')).toBeNull();
    // own keys only
    expect(assignedPlaylist(section, 'constructor', 'toString')).toBeNull();
  });
});

describe('the period of an instant', () => {
  it('office within an office period of a working day, with its bounds', () => {
    expect(periodAt(at('2025-10-09', '10:00'), office, isWorkday)).toEqual({
      period: 'office',
      since: at('2025-10-09', '08:30'),
      until: at('2025-10-09', '12:00'),
    });
    expect(periodAt(at('2025-10-09', '14:00'), office, isWorkday).period).toBe('office');
  });

  it('closed before, between and after the office periods, bounded by them and midnight', () => {
    expect(periodAt(at('2025-10-09', '07:00'), office, isWorkday)).toEqual({
      period: 'closed',
      since: at('2025-10-09', '00:00'),
      until: at('2025-10-09', '08:30'),
    });
    expect(periodAt(at('2025-10-09', '12:00'), office, isWorkday)).toEqual({
      period: 'closed',
      since: at('2025-10-09', '12:00'),
      until: at('2025-10-09', '14:00'),
    });
    expect(periodAt(at('2025-10-09', '20:00'), office, isWorkday)).toEqual({
      period: 'closed',
      since: at('2025-10-09', '17:30'),
      until: at('2025-10-10', '00:00'),
    });
  });

  it('holiday all day on a weekend or a public holiday, office on a make-up workday (调休)', () => {
    // 2025-10-01 National Day (Wednesday), 2025-10-18 a Saturday, 2025-09-28 a Sunday worked
    expect(periodAt(at('2025-10-01', '10:00'), office, isWorkday)).toEqual({
      period: 'holiday',
      since: at('2025-10-01', '00:00'),
      until: at('2025-10-02', '00:00'),
    });
    expect(periodAt(at('2025-10-18', '10:00'), office, isWorkday).period).toBe('holiday');
    expect(periodAt(at('2025-09-28', '10:00'), office, isWorkday).period).toBe('office');
  });
});

describe('the sequence of a period', () => {
  const day = section.playlists.day!;
  const weekend = section.playlists.weekend!;
  it('the schedule’s entry, a reference taking the other playlist’s items; holiday falls back to closed, then to the items', () => {
    expect(sequenceOf(section, day, 'office')).toBe(day.items);
    expect(sequenceOf(section, day, 'closed')).toBe(section.playlists.night!.items);
    expect(sequenceOf(section, day, 'holiday')).toBe(section.playlists.night!.items);
    expect(sequenceOf(section, weekend, 'holiday')).toEqual([{ path: '/screens/window/yiyang.w002', seconds: 20 }]);
    expect(sequenceOf(section, weekend, 'closed')).toBe(weekend.items);
  });
});

describe('the item due', () => {
  const items = section.playlists.day!.items; // 3 s, 5 s: an 8 s cycle
  const since = at('2025-10-09', '08:30');
  it('seconds since the period’s start modulo the cycle', () => {
    expect(itemAt(items, since, since)).toEqual({ index: 0, startsAt: since, endsAt: since + 3000 });
    expect(itemAt(items, since, since + 2999).index).toBe(0);
    expect(itemAt(items, since, since + 3000)).toEqual({ index: 1, startsAt: since + 3000, endsAt: since + 8000 });
    expect(itemAt(items, since, since + 8000)).toEqual({ index: 0, startsAt: since + 8000, endsAt: since + 11_000 });
    // 90 min later: 5400 s = 675 cycles exactly
    expect(itemAt(items, since, since + 5_400_000 + 4000)).toEqual({ index: 1, startsAt: since + 5_403_000, endsAt: since + 5_408_000 });
  });
});

describe('what the screen does', () => {
  const items = section.playlists.day!.items;
  const since = at('2025-10-09', '08:30');
  const pl = { items, since, until: at('2025-10-09', '12:00') };
  const url = (p: string) => new URL(`http://hub${p}`);

  it('matches a page by path and the item’s own parameters, whatever the screen adds', () => {
    expect(pageMatches('/screens/hall', url('/screens/hall?screen=pl-1&token=x'))).toBe(true);
    expect(pageMatches('/screens/hall?notice=1', url('/screens/hall?screen=pl-1'))).toBe(false);
    expect(pageMatches('/screens/window/yiyang.w001', url('/screens/window/yiyang.w001/'))).toBe(true);
    expect(pageMatches('/screens/window/yiyang.w001', url('/screens/window/yiyang.w002'))).toBe(false);
  });

  it('stays on the page due until its end, goes to the one due otherwise, keeps a page that arrived a moment early', () => {
    expect(playlistStep(pl, url('/screens/hall?screen=pl-1'), since + 1000)).toEqual({ index: 0, startsAt: since, go: null, nextAt: since + 3000 });
    expect(playlistStep(pl, url('/screens/hall?screen=pl-1'), since + 4000)).toEqual({
      index: 1,
      startsAt: since + 3000,
      go: '/screens/window/yiyang.w001',
      nextAt: since + 8000,
    });
    expect(playlistStep(pl, url('/screens/window/yiyang.w001?screen=pl-1'), since + 3000 - EARLY_LEEWAY_MS + 100)).toEqual({
      index: 1,
      startsAt: since + 3000,
      go: null,
      nextAt: since + 8000,
    });
  });

  it('looks again at the period’s end', () => {
    const end = { ...pl, until: since + 4000 };
    expect(playlistStep(end, url('/screens/window/yiyang.w001'), since + 3500).nextAt).toBe(since + 4000);
  });
});

describe('the console’s editing model', () => {
  it('turns the section into lists and back unchanged, the comment kept', () => {
    const withComment = { ...section, _comment: 'note' };
    const draft = toDraft(withComment);
    expect(draft.lists.map((l) => l.id)).toEqual(['day', 'night', 'weekend']);
    expect(draft.lists[0]!.schedule.closed).toEqual({ mode: 'ref', ref: 'night', items: [] });
    expect(draft.lists[2]!.schedule.holiday.mode).toBe('own');
    expect(toStored(draft)).toEqual(withComment);
  });

  it('gives a new list a free id; a default period leaves the schedule’s key out', () => {
    const draft = toDraft(section);
    draft.lists.push(newPlaylist(['list-4', ...draft.lists.map((l) => l.id)]));
    expect(draft.lists.at(-1)!.id).toBe('list-5');
    const stored = toStored(draft);
    expect(stored.playlists['list-5']!.schedule).toEqual({});
    expect(playlistsSectionSchema.safeParse(stored).success).toBe(true);
  });
});
