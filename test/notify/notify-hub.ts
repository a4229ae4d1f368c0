/** Hubs for the notification tests: the alert tests' clock and fast engine, a notify file of the test's own, a worker the test drives. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHub, type Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import type { NotifyTuning } from '../../server/notify/start-notify.ts';
import { redisPort, testConfig } from '../helpers/test-hub.ts';
import { ADMIN_PASSWORD, STORY_ALERTS_FILE, type TestClock } from '../alerts/alert-hub.ts';

export function notifyFile(config: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-notify-'));
  const file = path.join(dir, 'notify.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The worker's own interval is an hour: the test runs its rounds with `hub.notify.tick()` at the clock's time. */
export async function startNotifyHub(prefix: string, clock: TestClock, file: string, tuning: NotifyTuning = {}): Promise<Hub> {
  return startHub({
    // the stories' thresholds: a one-ticket story's sources are never silent (test/alerts/alert-hub.ts says why)
    config: testConfig(prefix, { ADMIN_PASSWORD, ALERTS_FILE: STORY_ALERTS_FILE, NOTIFY_FILE: file, PUBLIC_URL: 'https://yg.example.gov.cn/' }),
    redisTarget: { kind: 'url', url: `redis://127.0.0.1:${redisPort()}` },
    log: createLogger('silent'),
    now: clock.now,
    aggregator: { idleMs: 50 },
    alerts: { tickMs: 50, blockMs: 100, claimEveryMs: 200 },
    notify: { tickMs: 3_600_000, ...tuning },
  });
}
