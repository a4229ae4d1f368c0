/** What a screen on a playlist does at an instant (pure, so it is tested without a browser; docs/screens.md#playlists). */
import { itemAt, type PlaylistItem } from '../../common/playlists.ts';

/** A page that arrives this early for its item (a navigation a moment before the due time, clocks read apart) is on time. */
export const EARLY_LEEWAY_MS = 1500;

export interface PlaylistNow {
  items: PlaylistItem[];
  since: number;
  until: number;
}

export interface PlaylistStep {
  /** The item due (its index in `items`). */
  index: number;
  /** Its slot's start (hub clock): with the index, names the slot, so a page navigates to one slot at most once. */
  startsAt: number;
  /** The page to go to now, or null: this page is the one due. */
  go: string | null;
  /** When to look again (hub clock): the end of the item shown, or the period's end. */
  nextAt: number;
}

/** Whether the page at `current` is the item's: the same path, and the item's query parameters with the same values. */
export function pageMatches(itemPath: string, current: URL): boolean {
  const item = new URL(itemPath, current.origin);
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  if (trim(item.pathname) !== trim(current.pathname)) return false;
  for (const [name, value] of item.searchParams) if (current.searchParams.get(name) !== value) return false;
  return true;
}

export function playlistStep(pl: PlaylistNow, current: URL, t: number): PlaylistStep {
  const due = itemAt(pl.items, pl.since, t);
  if (pageMatches(pl.items[due.index]!.path, current)) return { index: due.index, startsAt: due.startsAt, go: null, nextAt: Math.min(due.endsAt, pl.until) };
  // the next item's page, loaded a moment before its time: it stays
  const soon = itemAt(pl.items, pl.since, t + EARLY_LEEWAY_MS);
  if (soon.startsAt > due.startsAt && soon.startsAt < pl.until && pageMatches(pl.items[soon.index]!.path, current))
    return { index: soon.index, startsAt: soon.startsAt, go: null, nextAt: Math.min(soon.endsAt, pl.until) };
  return { index: due.index, startsAt: due.startsAt, go: pl.items[due.index]!.path, nextAt: Math.min(due.endsAt, pl.until) };
}
