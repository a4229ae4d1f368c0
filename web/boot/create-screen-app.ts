/**
 * Boots a screen: Pinia, the theme, one live client (with the screen token from `?token=`), the
 * optional nightly reload. Every screen's main.ts is `createScreenApp(App).mount('#app')`.
 */
import { createPinia } from 'pinia';
import { createApp, type Component } from 'vue';
import { createLiveClient } from '../live/index.ts';
import { LIVE_CLIENT } from '../stores/live-client-key.ts';
import '../theme/theme.css';
import { scheduleNightlyReload } from './nightly-reload.ts';
import { pageReplay } from '../replay/replay-clock.ts';
import { createReplayClient } from '../replay/replay-client.ts';

export function createScreenApp(root: Component) {
  const params = new URLSearchParams(location.search);
  // ?at=<time>: a replay of that moment (web/replay/), in place of the live connection
  const replay = pageReplay();
  const live = replay ? createReplayClient(replay) : createLiveClient({ token: params.get('token') ?? undefined });
  const app = createApp(root);
  app.use(createPinia());
  app.provide(LIVE_CLIENT, live);
  const cancelReload = scheduleNightlyReload(params.get('reload'));
  // A screen of the fleet (named by ?screen= or its token) reports to the fleet board, takes its
  // commands and follows the playlist assigned to it (docs/screens.md#playlists). Both are loaded
  // only then: they bring the schema library (zod, ~90 KB) that a leader's or a clerk's page
  // without either parameter would load for nothing.
  let stopFleet = () => undefined as void;
  let stopPlaylist = () => undefined as void;
  let unmounted = false;
  if (!replay && (params.has('screen') || params.has('token'))) {
    Promise.all([import('../fleet/fleet-client.ts'), import('../playlist/playlist-follower.ts')]).then(
      ([fleet, playlist]) => {
        if (unmounted) return;
        stopFleet = fleet.startFleetClient(live, params);
        stopPlaylist = playlist.startPlaylistFollower(live, params);
      },
      () => undefined, // a chunk that does not load: the screen still shows its figures
    );
  }
  app.onUnmount(() => {
    unmounted = true;
    cancelReload();
    stopFleet();
    stopPlaylist();
    live.close();
  });
  return app;
}

/** The page's query parameters, read once. */
export function screenParams(): URLSearchParams {
  return new URLSearchParams(location.search);
}
