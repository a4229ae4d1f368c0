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
import { startFleetClient } from '../fleet/fleet-client.ts';
import { startPlaylistFollower } from '../playlist/playlist-follower.ts';

export function createScreenApp(root: Component) {
  const params = new URLSearchParams(location.search);
  const live = createLiveClient({ token: params.get('token') ?? undefined });
  const app = createApp(root);
  app.use(createPinia());
  app.provide(LIVE_CLIENT, live);
  const cancelReload = scheduleNightlyReload(params.get('reload'));
  // reports to the fleet board and takes its commands (a screen named by ?screen= or its token)
  const stopFleet = startFleetClient(live, params);
  // follows the playlist assigned to it, if any (docs/screens.md#playlists)
  const stopPlaylist = startPlaylistFollower(live, params);
  app.onUnmount(() => {
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
