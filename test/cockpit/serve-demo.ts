/**
 * Manual look at the cockpit: a hub on PORT (default 8400) against REDIS_URL with a fed month.
 *   REDIS_URL=redis://127.0.0.1:8401 npx tsx test/cockpit/serve-demo.ts
 */
import { loadConfig } from '../../server/config/env.ts';
import { startHub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { TOKENS } from '../helpers/test-hub.ts';
import { cockpitMonth, sendMonth } from './cockpit-feed.ts';

const config = loadConfig({
  ...process.env,
  PORT: process.env.PORT ?? '8400',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_PREFIX: process.env.REDIS_PREFIX ?? 'cockpitdemo:',
  INGEST_TOKENS: Object.entries(TOKENS)
    .map(([s, t]) => `${s}=${t}`)
    .join(','),
});
const hub = await startHub({ config, redisTarget: { kind: 'url', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:8401' }, log: createLogger('warn') });
if (process.env.FEED !== '0') {
  const events = cockpitMonth(Date.now(), 30);
  await sendMonth(hub, events);
  console.log(`fed ${events.length} events`);
}
console.log(`${hub.url}/screens/cockpit`);
