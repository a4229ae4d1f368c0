/** The live client library: one connection per screen, scope subscriptions, snapshot + deltas. */
export { createLiveClient, LiveClientError } from './live-client.ts';
export type { LiveClient, LiveClientOptions, LiveStatus, StateInfo, StateListener, SubscribeOptions } from './live-client.ts';
export { ScopeFeed, type FeedOutcome } from './scope-feed.ts';
