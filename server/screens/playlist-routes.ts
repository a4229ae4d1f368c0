/**
 * What a screen's playlist is now (docs/screens.md#playlists): `GET /api/v1/screens/playlist`
 * answers the screen its assigned playlist (its own, else its group's), the period of the day it
 * is in (office hours from the alerts section, working days from the holidays section), that
 * period's pages with its start and end, and the hub's clock. The screen derives the item due
 * from these, asks again at the period's end and at each `config` push of the sections involved.
 * Read like the hall's config: open, or any screen token or sign-in once screen tokens exist.
 */
import type { RequestHandler, Router } from 'express';
import { screenPlaylistQuery } from '../../common/api-queries.ts';
import { defaultGroupOf } from '../../common/fleet.ts';
import { assignedPlaylist, periodAt, sequenceOf, type OfficeMinutes, type PlaylistsSection, type ScreenPlaylistAnswer } from '../../common/playlists.ts';
import { InputError } from '../domain-errors.ts';
import { apiRouter } from '../http/api-router.ts';
import { parseQuery } from '../http/parse-request.ts';
import { requestCredentials } from '../identity/credentials.ts';
import type { Identity } from '../identity/identity.ts';

export interface PlaylistRouterDeps {
  /** The live `playlists` section. */
  playlists: () => PlaylistsSection;
  /** The office hours now, minutes of the day (the live alerts section). */
  officeHours: () => readonly OfficeMinutes[];
  /** The live working-day calendar. */
  isWorkday: (day: number) => boolean;
  identity: Identity;
  now: () => number;
  /** The screen-reads guard for reference data. */
  guard: RequestHandler;
}

/** Which period, pages and playlist a screen follows at `now` (also used by tests). */
export function screenPlaylist(deps: Omit<PlaylistRouterDeps, 'identity' | 'guard'>, screen: string, group: string): ScreenPlaylistAnswer {
  const now = deps.now();
  const section = deps.playlists();
  const assigned = assignedPlaylist(section, screen, group);
  if (!assigned || !Object.hasOwn(section.playlists, assigned.id)) return { screen, group, playlist: null, now };
  const playlist = section.playlists[assigned.id]!;
  const span = periodAt(now, deps.officeHours(), deps.isWorkday);
  return {
    screen,
    group,
    playlist: {
      id: assigned.id,
      name: playlist.name,
      via: assigned.via,
      period: span.period,
      items: sequenceOf(section, playlist, span.period),
      since: span.since,
      until: span.until,
    },
    now,
  };
}

export function playlistRouter(deps: PlaylistRouterDeps): Router {
  const router = apiRouter();
  router.get('/api/v1/screens/playlist', deps.guard, async (req, res) => {
    const query = parseQuery(req, screenPlaylistQuery);
    // a screen token names its screen, whatever the page says (as for the fleet's reports)
    const principal = await deps.identity.resolve(requestCredentials(req));
    const screen = principal.kind === 'screen' ? principal.name : query.screen;
    if (screen === undefined) throw new InputError('name the screen: ?screen=<id>, or read with its screen token', 'screen');
    const group = query.group ?? defaultGroupOf(screen);
    res.set('Cache-Control', 'no-store').json(screenPlaylist(deps, screen, group));
  });
  return router;
}
