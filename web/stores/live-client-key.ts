/** How the screen's one live client reaches the stores: provided on the app, injected in setup stores. */
import { inject, type InjectionKey } from 'vue';
import type { LiveClient } from '../live/index.ts';

export const LIVE_CLIENT: InjectionKey<LiveClient> = Symbol('yg-live-client');

export class LiveClientMissingError extends Error {
  override name = 'LiveClientMissingError';
  constructor() {
    super('no live client: create the screen with createScreenApp() (web/boot), which provides it');
  }
}

export function injectLiveClient(): LiveClient {
  const client = inject(LIVE_CLIENT, null);
  if (!client) throw new LiveClientMissingError();
  return client;
}
