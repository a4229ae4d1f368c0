/**
 * The replayed time of a screen opened with `?at=<ISO time>` (time travel, docs/screens.md#replay):
 * one per page, reactive, moved by the replay control (play/pause, speed, the slider over the day).
 * Screens do not read it themselves: the page's live client is a replay client (replay-client.ts)
 * that answers each subscription with the snapshot at this time, and ReplayBar.vue shows it.
 */
import { reactive } from 'vue';
import { DAY_MS, dayIndexOf, startOfDayMs } from '../../common/time.ts';
import { hubClock, hubNow } from '../hub-clock.ts';

/** Replay speeds offered: real time up to an hour a second. */
export const REPLAY_SPEEDS = [1, 10, 60, 600, 3600] as const;
/** How often a playing replay moves (and the screen asks for the snapshot of the new time). */
export const REPLAY_STEP_MS = 1000;

export interface ReplayState {
  /** The replayed instant (epoch ms). */
  at: number;
  playing: boolean;
  /** Replayed ms per real ms. */
  speed: number;
  /** The replayed day: its first and last instant. */
  dayStart: number;
  dayEnd: number;
}

let state: ReplayState | null | undefined;
let timer: ReturnType<typeof setInterval> | null = null;
/** Nothing has moved the replay since the page opened (seek, play): the URL's `?at=` still rules. */
let untouched = true;

/** `?at=` as epoch ms: an ISO 8601 time or epoch ms; null when absent or unreadable. */
export function parseReplayAt(raw: string | null): number | null {
  if (!raw) return null;
  const ms = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(ms) ? ms : null;
}

/** The page's replay, or null on a live page. Created on the first call, from the URL. */
export function pageReplay(): ReplayState | null {
  if (state !== undefined) return state;
  const at = typeof location === 'undefined' ? null : parseReplayAt(new URLSearchParams(location.search).get('at'));
  if (at === null) return (state = null);
  // "now" is the hub's (web/hub-clock.ts): a player PC whose clock runs ahead must not ask for a
  // moment the hub has not reached, one that runs behind must not stop the replay early
  const first = Math.min(at, hubNow());
  const start = startOfDayMs(dayIndexOf(first));
  const s = reactive<ReplayState>({ at: first, playing: false, speed: 60, dayStart: start, dayEnd: start + DAY_MS - 1 });
  state = s;
  // the page opens before it has heard from the hub (its clock is then the PC's): when the
  // estimate moves, the asked instant is taken again against the hub's now while no one has moved
  // the replay, and a replayed instant past the hub's now comes back to it later
  hubClock.onChange(() => {
    const now = hubNow();
    const next = untouched ? Math.min(at, now) : s.at;
    if (next === s.at && s.at <= now) return;
    const to = Math.min(next, now);
    const day = startOfDayMs(dayIndexOf(to));
    Object.assign(s, { at: to, dayStart: day, dayEnd: day + DAY_MS - 1 });
  });
  return state;
}

/** The latest instant the replay may show: the day's end, or the hub's now for today. */
const limitOf = (s: ReplayState): number => Math.min(s.dayEnd, hubNow());

export function seek(to: number): void {
  const s = pageReplay();
  untouched = false;
  if (s) s.at = Math.max(s.dayStart, Math.min(limitOf(s), Math.round(to)));
}

export function setSpeed(speed: number): void {
  const s = pageReplay();
  if (s) s.speed = speed;
}

export function play(): void {
  const s = pageReplay();
  if (!s || s.playing) return;
  s.playing = true;
  untouched = false;
  timer = setInterval(() => {
    seek(s.at + s.speed * REPLAY_STEP_MS);
    if (s.at >= limitOf(s)) pause();
  }, REPLAY_STEP_MS);
}

export function pause(): void {
  const s = pageReplay();
  if (s) s.playing = false;
  if (timer) clearInterval(timer);
  timer = null;
}
