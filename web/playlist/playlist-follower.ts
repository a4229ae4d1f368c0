/**
 * A screen on a playlist (docs/screens.md#playlists): it asks the hub which playlist it follows
 * now (`GET /api/v1/screens/playlist`, by its `?screen=` id or its token's name, and `?group=`),
 * shows the item due by the hub's clock, and at the item's end navigates to the next one, keeping
 * its own parameters as a fleet `navigate` does (navigate-target.ts), so the next page follows the
 * playlist too. The position is derived from the clock (playlist-step.ts), never counted, so a
 * reload resumes at the item due and screens on one playlist stay in step. It asks again at the
 * period's end, after a reconnect, and when a `config` push names the playlists, the office hours
 * (alerts) or the calendar (holidays).
 */
import type { ScreenPlaylistAnswer } from '../../common/playlists.ts';
import { SCREEN_ID_PATTERN } from '../../common/fleet.ts';
import { navigateTarget } from '../fleet/navigate-target.ts';
import type { LiveClient } from '../live/index.ts';
import { screenFetch } from '../util/screen-fetch.ts';
import { playlistStep, type PlaylistNow } from './playlist-step.ts';

/** The slot this page last navigated to, across the navigation: a page that does not match its item does not loop. */
const LAST_KEY = 'yg-playlist-went';
const RETRY_MAX_MS = 60_000;
const SECTIONS = new Set(['playlists', 'alerts', 'holidays']);

function lastSlot(): string | null {
  try {
    return sessionStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}
function markSlot(slot: string): void {
  try {
    sessionStorage.setItem(LAST_KEY, slot);
  } catch {
    // storage off: a page that never matches its item may navigate once per load, no more
  }
}

export function startPlaylistFollower(live: LiveClient, params: URLSearchParams): () => void {
  const screen = params.get('screen');
  const group = params.get('group');
  if (!(screen !== null && SCREEN_ID_PATTERN.test(screen)) && !params.get('token')) return () => undefined;
  const query = new URLSearchParams();
  if (screen !== null && SCREEN_ID_PATTERN.test(screen)) query.set('screen', screen);
  if (group !== null && SCREEN_ID_PATTERN.test(group)) query.set('group', group);

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let generation = 0;
  /** Hub clock minus this page's clock, from the last answer. */
  let offset = 0;
  let current: (PlaylistNow & { id: string }) | null = null;
  const hubNow = () => Date.now() + offset;
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const step = () => {
    clear();
    if (stopped || !current) return;
    const t = hubNow();
    // the next period: asked a moment after its start, so the hub's clock is surely past it too
    if (t >= current.until) {
      timer = setTimeout(() => void load(), 500);
      return;
    }
    const s = playlistStep(current, new URL(location.href), t);
    const slot = `${current.id}:${s.index}@${s.startsAt}`;
    if (s.go !== null && lastSlot() !== slot) {
      const target = navigateTarget(s.go, new URL(location.href));
      if (target) {
        markSlot(slot);
        location.assign(target.href);
        return;
      }
    }
    // the item this page shows (set once it stays: tests and the fleet's page list can tell)
    document.documentElement.dataset.playlist = `${current.id}#${s.index}`;
    timer = setTimeout(step, Math.max(0, s.nextAt - hubNow()));
  };

  const load = async () => {
    clear();
    const mine = ++generation;
    try {
      const res = await screenFetch(`/api/v1/screens/playlist?${query.toString()}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`playlist: HTTP ${res.status}`);
      const answer = (await res.json()) as ScreenPlaylistAnswer;
      if (stopped || mine !== generation) return;
      // the hub's clock as the answer arrives: behind it by the answer's transit at most, so a
      // switch is never early (a page loaded before its item's time would be the previous one's)
      offset = answer.now - Date.now();
      attempt = 0;
      current = answer.playlist ? { id: answer.playlist.id, items: answer.playlist.items, since: answer.playlist.since, until: answer.playlist.until } : null;
      if (!current) delete document.documentElement.dataset.playlist;
      step();
    } catch {
      if (stopped || mine !== generation) return;
      attempt++;
      timer = setTimeout(() => void load(), Math.min(RETRY_MAX_MS, 2000 * 2 ** Math.min(attempt, 5)));
    }
  };

  void load();
  const offConfig = live.onConfig((msg) => {
    if (SECTIONS.has(msg.section)) void load();
  });
  let wasConnected = live.status().connected;
  let everConnected = wasConnected;
  const offStatus = live.onStatus((s) => {
    // what changed while the screen was away reaches it on its return (the first connect is the load above)
    if (s.connected && !wasConnected && everConnected) void load();
    if (s.connected) everConnected = true;
    wasConnected = s.connected;
  });
  return () => {
    stopped = true;
    clear();
    offConfig();
    offStatus();
  };
}
