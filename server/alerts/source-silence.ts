/**
 * The source-silence rule (device offline): a source that sent nothing for N office minutes gets
 * an alert; it closes when the source is heard again. The hub records each source's last ingest
 * in `sourceSeen`, so this is one small hash read per tick, not a scan.
 */
import type { Alert } from '../../common/alerts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { AlertOp, RuleContext } from './event-ops.ts';
import { officeMsBetween } from './office-hours.ts';
import { unattendedSince } from './timer-decision.ts';

export async function sourceSilenceOps(redis: RedisClient, keys: RedisKeys, rules: RuleContext, now: number): Promise<AlertOp[]> {
  const seen = await redis.hgetall(keys.sourceSeen);
  const sources = Object.keys(seen);
  if (sources.length === 0) return [];
  const active = await redis.hmget(keys.alertActive, ...sources.map((s) => `source:${s}`));
  const city = rules.catalog.catalog.centers.find((c) => c.level === 'city')?.code ?? 'yiyang';
  const ops: AlertOp[] = [];
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i]!;
    const last = Number(seen[source]);
    const subject = `source:${source}`;
    const activeId = active[i];
    if (activeId) {
      const json = await redis.get(keys.alert(activeId));
      const alert = json ? (JSON.parse(json) as Alert) : null;
      if (alert && last > alert.since) ops.push({ op: 'close', subject, reason: 'source-heard' });
      continue;
    }
    const thresholdMs = rules.config.silenceMinutesOf(source) * 60_000;
    if (officeMsBetween(rules.office, unattendedSince(last, now), now) < thresholdMs) continue;
    ops.push({
      op: 'open',
      spec: {
        rule: 'source',
        severity: 'yellow',
        subject,
        center: city,
        source,
        since: last,
        scopes: ['city'],
        escalateAfterMs: rules.config.thresholdsFor(null).escalateMinutes * 60_000,
      },
    });
  }
  return ops;
}
