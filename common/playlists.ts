/**
 * Playlists (docs/screens.md#playlists): named sequences of screen pages, each shown for its
 * seconds, with a sequence per period of the day (office hours, closed hours, days off), assigned
 * to screens or to groups of the fleet. The `playlists` configuration section (docs/admin.md), what
 * `GET /api/v1/screens/playlist` answers a screen, and the pure rules both sides use: which period
 * an instant is in, which sequence a period shows, and which item is due at an instant.
 */
import { z } from 'zod';
import { screenIdSchema, screenPathSchema } from './fleet.ts';
import { DAY_MS, dayIndexOf, startOfDayMs } from './time.ts';

/** A playlist's id: like a screen id, but starting with a letter or a digit. */
export const playlistIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a playlist id is 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or a digit');

/** One page and how long it stays. At least 1 s (tests use short items); at most a day. */
export const playlistItemSchema = z
  .object({
    /** The page, as a fleet `navigate` takes it: a path under /screens/ of this hub (one definition, common/fleet.ts). */
    path: screenPathSchema,
    seconds: z.number().int().min(1).max(86_400),
  })
  .strict();
export type PlaylistItem = z.infer<typeof playlistItemSchema>;

const itemsSchema = z.array(playlistItemSchema).min(1, 'a sequence needs at least one page').max(50);

/** A period's sequence: pages of its own, or the id of another playlist (its `items`). */
export const playlistSequenceSchema = z.union([itemsSchema, playlistIdSchema]);
export type PlaylistSequence = z.infer<typeof playlistSequenceSchema>;

/** Office hours on a working day; the rest of a working day; a day off (weekend or holiday by the calendar). */
export const PLAYLIST_PERIODS = ['office', 'closed', 'holiday'] as const;
export type PlaylistPeriod = (typeof PLAYLIST_PERIODS)[number];

export const playlistSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    /** The pages of every period the schedule does not name. */
    items: itemsSchema,
    schedule: z
      .object({ office: playlistSequenceSchema.optional(), closed: playlistSequenceSchema.optional(), holiday: playlistSequenceSchema.optional() })
      .strict()
      .default({}),
  })
  .strict();
export type Playlist = z.infer<typeof playlistSchema>;

/** The `playlists` section (config/playlists.json). */
export const playlistsSectionSchema = z
  .object({
    /** A note for whoever edits the file; kept through the config API and export. */
    _comment: z.string().optional(),
    playlists: z.record(playlistIdSchema, playlistSchema),
    assignments: z
      .object({
        /** Screen id → playlist id: wins over the group's. */
        screens: z.record(screenIdSchema, playlistIdSchema).default({}),
        /** Fleet group → playlist id. */
        groups: z.record(screenIdSchema, playlistIdSchema).default({}),
      })
      .strict()
      .default({ screens: {}, groups: {} }),
  })
  .strict()
  .superRefine((s, ctx) => {
    // every reference names a playlist of the section (own keys only: the ids are the user's)
    const known = (id: string) => Object.hasOwn(s.playlists, id);
    for (const [id, p] of Object.entries(s.playlists))
      for (const period of PLAYLIST_PERIODS) {
        const seq = p.schedule[period];
        if (typeof seq === 'string' && !known(seq))
          ctx.addIssue({ code: 'custom', path: ['playlists', id, 'schedule', period], message: `no playlist "${seq}" in this section` });
      }
    for (const kind of ['screens', 'groups'] as const)
      for (const [who, id] of Object.entries(s.assignments[kind]))
        if (!known(id)) ctx.addIssue({ code: 'custom', path: ['assignments', kind, who], message: `no playlist "${id}" in this section` });
  });
export type PlaylistsSection = z.infer<typeof playlistsSectionSchema>;

/** The section when it has no file: no playlists, so every screen stays on its page. */
export const EMPTY_PLAYLISTS: PlaylistsSection = { playlists: {}, assignments: { screens: {}, groups: {} } };

/** The playlist of a screen: its own assignment, else its group's; null when neither. */
export function assignedPlaylist(section: PlaylistsSection, screen: string, group: string): { id: string; via: 'screen' | 'group' } | null {
  const { screens, groups } = section.assignments;
  if (Object.hasOwn(screens, screen)) return { id: screens[screen]!, via: 'screen' };
  if (Object.hasOwn(groups, group)) return { id: groups[group]!, via: 'group' };
  return null;
}

/**
 * The pages a playlist shows in a period: the schedule's sequence for it (a holiday falls back to
 * the closed hours' one), else the playlist's own items. A reference takes the other playlist's
 * `items`, not its schedule, so references never chain.
 */
export function sequenceOf(section: PlaylistsSection, playlist: Playlist, period: PlaylistPeriod): PlaylistItem[] {
  const seq = period === 'holiday' ? (playlist.schedule.holiday ?? playlist.schedule.closed) : playlist.schedule[period];
  if (seq === undefined) return playlist.items;
  if (typeof seq !== 'string') return seq;
  return Object.hasOwn(section.playlists, seq) ? section.playlists[seq]!.items : playlist.items;
}

/** An office period as minutes of the day, [from, to) (the alerts section's officeHours). */
export interface OfficeMinutes {
  from: number;
  to: number;
}

/** The period an instant is in, with its start and end (epoch ms). */
export interface PeriodSpan {
  period: PlaylistPeriod;
  since: number;
  until: number;
}

/**
 * The period of `now` (Asia/Shanghai): a day off (not a working day by the calendar) is one
 * `holiday` period from midnight to midnight; a working day is `office` within each office period
 * and `closed` between them (from the last period's end, or midnight, to the next one's start, or
 * midnight).
 */
export function periodAt(now: number, officeHours: readonly OfficeMinutes[], isWorkday: (day: number) => boolean): PeriodSpan {
  const day = dayIndexOf(now);
  const midnight = startOfDayMs(day);
  const next = midnight + DAY_MS;
  if (!isWorkday(day)) return { period: 'holiday', since: midnight, until: next };
  const t = now - midnight;
  let since = midnight;
  let until = next;
  for (const p of officeHours) {
    const from = p.from * 60_000;
    const to = p.to * 60_000;
    if (t >= from && t < to) return { period: 'office', since: midnight + from, until: midnight + to };
    if (to <= t) since = Math.max(since, midnight + to);
    if (from > t) until = Math.min(until, midnight + from);
  }
  return { period: 'closed', since, until };
}

/** The item due at `t` and its slot (epoch ms). */
export interface DueItem {
  index: number;
  startsAt: number;
  endsAt: number;
}

/**
 * The item due at `t` in a sequence that started at `since` and repeats: the time since the
 * period's start modulo the cycle's length. Only the clock decides, so screens on one playlist
 * stay in step and a reload resumes at the item due.
 */
export function itemAt(items: readonly PlaylistItem[], since: number, t: number): DueItem {
  const cycle = items.reduce((sum, i) => sum + i.seconds * 1000, 0);
  const elapsed = Math.max(0, t - since);
  const cycleStart = t - (elapsed % cycle);
  let start = cycleStart;
  for (let index = 0; index < items.length; index++) {
    const end = start + items[index]!.seconds * 1000;
    if (t < end) return { index, startsAt: start, endsAt: end };
    start = end;
  }
  // unreachable: elapsed % cycle < cycle
  return { index: 0, startsAt: cycleStart + cycle, endsAt: cycleStart + cycle + items[0]!.seconds * 1000 };
}

/** GET /api/v1/screens/playlist?screen=<id>&group=<group>: what a screen follows now. */
export interface ScreenPlaylistAnswer {
  /** The id the hub went by: a screen token's name, else `?screen=`. */
  screen: string;
  group: string;
  /** null: no playlist is assigned to the screen or its group (it stays on its page). */
  playlist: {
    id: string;
    name: string;
    via: 'screen' | 'group';
    period: PlaylistPeriod;
    /** The sequence of this period. */
    items: PlaylistItem[];
    /** The period's start and end (the hub's clock, epoch ms): positions count from `since`; the screen asks again at `until`. */
    since: number;
    until: number;
  } | null;
  /** The hub's clock, epoch ms: screens keep the hub's time, so all of them are in step. */
  now: number;
}
