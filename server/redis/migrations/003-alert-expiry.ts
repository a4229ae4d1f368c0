/**
 * Schema 3: every unresolved alert ends within 180 days (release 30c14a3, docs/alerts.md "How long
 * things are kept").
 *
 * This release arms an `expire:<id>` timer when it opens an alert: 180 days after opening (reason
 * `expired`), or sooner for a ticket's alert (its day, `day-ended`). An alert opened by an older
 * release has the ticket's timer when it is a ticket's, and none otherwise (reviews, windows,
 * sources, case cards): it would stay unresolved, and in the counts, for good. Each one without a
 * timer gets the one this release would have armed: its opening plus 180 days. An alert already
 * older than that is closed `expired` by the alert engine at its next tick.
 */
import { chunks, isRecord, parseJson, runBatch, scanSortedSet, StepReport, type Migration } from './migration.ts';
import { DAY_MS } from '../../../common/time.ts';

/** How long an alert nobody resolves stays open (server/alerts/lua/alert-core.lua). */
export const MAX_OPEN_MS = 180 * DAY_MS;

const ARM_LUA = `
-- KEYS[1] the schema key (routing only). ARGV[1] prefix, then triples: alert id, fire time (epoch
-- ms), payload. Arms the alert's expiry unless it has one, or has ended.
local P = ARGV[1]
local out = {}
for i = 2, #ARGV, 3 do
  local id, at, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local timer, json = 'expire:' .. id, redis.call('GET', P .. 'alert:' .. id)
  local r
  if redis.call('ZSCORE', P .. 'alerts:timers', timer) then r = 'armed'
  elseif not json then r = 'missing'
  else
    local state = cjson.decode(json).state
    if state ~= 'open' and state ~= 'acknowledged' then r = 'ended'
    else
      redis.call('ZADD', P .. 'alerts:timers', at, timer)
      redis.call('HSET', P .. 'alerts:timer', timer, payload)
      r = 'done'
    end
  end
  out[#out + 1] = r
end
return out
`;

export const alertExpiry: Migration = {
  version: 3,
  name: 'unresolved alerts of an older release get their 180-day expiry',
  async run(ctx) {
    const { redis, keys } = ctx;
    const report = new StepReport();
    const now = ctx.now();
    for await (const page of scanSortedSet(redis, keys.alertsUnresolved)) {
      const ids = page.map(([id]) => id);
      const pipe = redis.pipeline();
      for (const id of ids) {
        pipe.zscore(keys.alertTimers, `expire:${id}`);
        pipe.get(keys.alert(id));
      }
      const res = ((await pipe.exec()) ?? []).map(([err, v]) => {
        if (err) throw err;
        return v as string | null;
      });
      const arms: { id: string; at: number }[] = [];
      ids.forEach((id, i) => {
        if (res[i * 2] !== null) return report.saw('unresolved alerts with an expiry');
        const alert = parseJson(res[i * 2 + 1]);
        if (!isRecord(alert)) return report.problem(`${keys.alertsUnresolved} names alert ${id}, which does not exist; left as it is`);
        if (alert.state !== 'open' && alert.state !== 'acknowledged')
          return report.problem(`${keys.alertsUnresolved} names alert ${id}, which is ${String(alert.state)}; left as it is`);
        const openedAt = Number(alert.openedAt);
        if (!Number.isSafeInteger(openedAt)) return report.problem(`alert ${id} has no opening time; left without an expiry`);
        arms.push({ id, at: openedAt + MAX_OPEN_MS });
        report.example(`alert ${id} (${String(alert.rule)}, ${String(alert.subject)}): expires ${new Date(openedAt + MAX_OPEN_MS).toISOString()}`);
      });
      for (const batch of chunks(arms, 100)) {
        const what = ctx.dryRun ? 'unresolved alerts to give their 180-day expiry' : 'unresolved alerts given their 180-day expiry';
        const past = `${what}: already past it, closed \`expired\` at the alert engine's next tick`;
        if (ctx.dryRun) {
          report.change(what, batch.length);
          report.change(past, batch.filter((a) => a.at <= now).length);
          continue;
        }
        const args = batch.flatMap((a) => [a.id, a.at, JSON.stringify({ kind: 'expire', alert: a.id, reason: 'expired' })]);
        const out = (await runBatch(ctx, ARM_LUA, args)) as string[];
        batch.forEach((a, i) => {
          if (out[i] === 'done') {
            report.change(what);
            if (a.at <= now) report.change(past);
          } else report.saw('unresolved alerts that got an expiry or ended meanwhile');
        });
      }
    }
    return report;
  },
};
