/**
 * Schema 2: the alert engine's case state and the subjects of case alerts name the center
 * (release 30c14a3, server/alerts/event-ops.ts).
 *
 * Before, the engine's view of a case was `<prefix>alerts:case:<case>`, its timers and the
 * subjects of its cards `case-yellow:<case>` / `case-red:<case>` (in `alerts:timers`,
 * `alerts:timer` and `alerts:active`, and the `subject` of the alert itself). Now each is
 * `…:<center>:<case>`. Left as they were, a case open before the upgrade would never close its
 * cards (its completion looks for the new names) and its timers would open cards the completion
 * cannot find.
 *
 * The center comes from what the engine stored with the case: the spec of its acceptance, the spec
 * of a timer's card, the alert itself. The one record without it is a completion that came before
 * its acceptance (`status done`, no spec; kept 60 days to ignore the acceptance); its center is
 * taken from the aggregator's record of the same case number (old name, or moved by schema 1).
 * When that is not found it stays under its old name and is reported: it expires by itself within
 * 60 days, and should the acceptance still come, the engine takes it for a new case and arms its
 * cards. Such a record whose name starts with `<center>:` of the catalog is taken for one of this
 * release (an old case number of that form cannot be told from it).
 *
 * Open and suspended case records of the old engine had no expiry; a moved one gets the 2 years an
 * open case is kept today (docs/alerts.md, "How long things are kept"). Moved records get
 * `movedFrom` (the case number), so a second run passes them by.
 */
import { centerOfOldCase } from './001-case-keys-with-center.ts';
import {
  chunks,
  isRecord,
  keysStartingWith,
  parseJson,
  runBatch,
  scanHash,
  scanKeys,
  str,
  StepReport,
  type Migration,
  type MigrationContext,
} from './migration.ts';
import { DAY_MS } from '../../../common/time.ts';

/** An open or suspended case's record is kept 2 years after its last event (CASE_OPEN_TTL, server/alerts/lua/alert-cases.lua). */
const CASE_OPEN_TTL_S = (730 * DAY_MS) / 1000;
const CASE_RULES = ['case-yellow', 'case-red'] as const;

const MOVE_CASE_LUA = `
-- KEYS[1] the schema key (routing only). ARGV[1] prefix, ARGV[2] TTL (s) of an open or suspended
-- case that has none, then pairs: case number, center.
local P, OPEN_TTL = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 2 do
  local caseNo, center = ARGV[i], ARGV[i + 1]
  local old, new = P .. 'alerts:case:' .. caseNo, P .. 'alerts:case:' .. center .. ':' .. caseNo
  local r
  if redis.call('EXISTS', old) == 0 then r = 'gone'
  elseif redis.call('HEXISTS', old, 'movedFrom') == 1 or redis.call('HEXISTS', old, 'ev') == 1 then r = 'new'
  elseif redis.call('EXISTS', new) == 1 then r = 'conflict'
  else
    redis.call('RENAME', old, new)
    redis.call('HSET', new, 'movedFrom', caseNo)
    local status = redis.call('HGET', new, 'status')
    if (status == 'open' or status == 'suspended') and redis.call('TTL', new) == -1 then redis.call('EXPIRE', new, OPEN_TTL) end
    r = 'moved'
  end
  out[#out + 1] = r
end
return out
`;

const MOVE_TIMER_LUA = `
-- KEYS[1] the schema key (routing only). ARGV[1] prefix, then triples: old timer id, new timer id,
-- the payload as read. The timer of a card is named by the card's subject.
local P = ARGV[1]
local timers, payloads = P .. 'alerts:timers', P .. 'alerts:timer'
local out = {}
for i = 2, #ARGV, 3 do
  local old, new, read = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local r
  if redis.call('HGET', payloads, old) ~= read then r = 'changed'
  elseif redis.call('HEXISTS', payloads, new) == 1 then r = 'conflict'
  else
    local p = cjson.decode(read)
    p.spec.subject = new
    local score = redis.call('ZSCORE', timers, old)
    redis.call('HSET', payloads, new, cjson.encode(p))
    redis.call('HDEL', payloads, old)
    if score then
      redis.call('ZADD', timers, score, new)
      redis.call('ZREM', timers, old)
    end
    r = 'moved'
  end
  out[#out + 1] = r
end
return out
`;

const MOVE_SUBJECT_LUA = `
-- KEYS[1] the schema key (routing only). ARGV[1] prefix, then triples: old subject, new subject,
-- alert id. Renames the subject in the unresolved alerts' index and in the alert.
local P = ARGV[1]
local active = P .. 'alerts:active'
local out = {}
for i = 2, #ARGV, 3 do
  local old, new, id = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local r
  local json = redis.call('GET', P .. 'alert:' .. id)
  if redis.call('HGET', active, old) ~= id then r = 'changed'
  elseif redis.call('HEXISTS', active, new) == 1 then r = 'conflict'
  elseif not json then r = 'missing'
  else
    local a = cjson.decode(json)
    if a.subject ~= old then r = 'changed'
    else
      a.subject = new
      redis.call('SET', P .. 'alert:' .. id, cjson.encode(a), 'KEEPTTL')
      redis.call('HSET', active, new, id)
      redis.call('HDEL', active, old)
      r = 'moved'
    end
  end
  out[#out + 1] = r
end
return out
`;

/** The center of a case number, from the aggregator's record of it (old name or moved), or undefined. */
async function centerOfCaseNumber(ctx: MigrationContext, caseNo: string): Promise<string | undefined> {
  const { redis, keys, centers } = ctx;
  const old = `${keys.prefix}case:${caseNo}`;
  const [fields, hasEv] = await Promise.all([redis.hmget(old, 'movedFrom', 'status', 'scopes', 'dept', 'item', 'early', 'center'), redis.hexists(old, 'ev')]);
  const [movedFrom, status, scopes, dept, item, early, center] = fields;
  if (status && !movedFrom && hasEv === 0) {
    const c = centerOfOldCase(
      { ...(scopes ? { scopes } : {}), ...(dept ? { dept } : {}), ...(item ? { item } : {}), ...(early ? { early } : {}), ...(center ? { center } : {}) },
      centers,
    );
    if (c) return c.center;
  }
  const pipe = redis.pipeline();
  for (const c of centers.centers) pipe.exists(`${keys.prefix}case:${c}:${caseNo}`);
  const found = ((await pipe.exec()) ?? [])
    .map(([err, v], i) => {
      if (err) throw err;
      return v === 1 ? centers.centers[i] : undefined;
    })
    .filter(Boolean);
  return found.length === 1 ? found[0] : undefined;
}

async function moveCaseStates(ctx: MigrationContext, report: StepReport): Promise<void> {
  const { redis, keys } = ctx;
  const base = `${keys.prefix}alerts:case:`;
  const startsWithCenter = (id: string) => ctx.centers.centers.some((c) => id.startsWith(`${c}:`));
  for await (const found of scanKeys(redis, keysStartingWith(base), 'hash')) {
    const pipe = redis.pipeline();
    for (const key of found) {
      pipe.hmget(key, 'movedFrom', 'status', 'spec');
      pipe.hexists(key, 'ev');
    }
    const answers = (await pipe.exec()) ?? [];
    const moves: { caseNo: string; center: string; status: string }[] = [];
    for (const [i, key] of found.entries()) {
      const [err, values] = answers[i * 2] ?? [];
      const [evErr, hasEv] = answers[i * 2 + 1] ?? [];
      if (err || evErr) throw err ?? evErr;
      const [movedFrom, status, specJson] = values as (string | null)[];
      const id = key.slice(base.length);
      // a record the engine keeps its events in (`ev`) is one it wrote under the new name
      if (hasEv === 1) {
        report.saw('alert case records in the new layout');
        continue;
      }
      if (movedFrom !== null && movedFrom !== undefined) {
        report.saw('alert case records moved by an earlier run');
        continue;
      }
      const spec = parseJson(specJson);
      let center: string | undefined;
      if (isRecord(spec)) {
        const c = str(spec.center);
        const caseNo = str(spec.case);
        if (c && caseNo && id === `${c}:${caseNo}`) {
          report.saw('alert case records in the new layout');
          continue;
        }
        if (!c || caseNo !== id) {
          report.problem(`${key}: its spec names center "${String(spec.center)}", case "${String(spec.case)}", which do not fit its name; left as it is`);
          continue;
        }
        center = c;
      } else {
        // a completion that came before the acceptance: no spec
        if (startsWithCenter(id)) {
          report.saw('alert case records in the new layout');
          continue;
        }
        center = await centerOfCaseNumber(ctx, id);
        if (!center) {
          report.problem(
            `${key} (${status ?? 'no status'}, no spec): its center cannot be known (no record of case ${id} in the aggregator); ` +
              'left under its old name: it expires by itself within 60 days, and an acceptance of the case after the upgrade is taken for a new case',
          );
          continue;
        }
      }
      moves.push({ caseNo: id, center, status: status ?? '' });
      report.example(`${key} → ${base}${center}:${id} (${status ?? 'no status'})`);
    }
    for (const batch of chunks(moves, 100)) {
      if (ctx.dryRun) {
        const taken = await Promise.all(batch.map((m) => redis.exists(`${base}${m.center}:${m.caseNo}`)));
        batch.forEach((m, i) => {
          if (taken[i] === 1) caseConflict(report, base, m.caseNo, m.center);
          else report.change(`alert case records to move (${m.status})`);
        });
        continue;
      }
      const res = (await runBatch(ctx, MOVE_CASE_LUA, [CASE_OPEN_TTL_S, ...batch.flatMap((m) => [m.caseNo, m.center])])) as string[];
      batch.forEach((m, i) => {
        if (res[i] === 'moved') report.change(`alert case records moved (${m.status})`);
        else if (res[i] === 'conflict') caseConflict(report, base, m.caseNo, m.center);
        else report.saw('alert case records changed by someone else before they were moved');
      });
    }
  }
}

function caseConflict(report: StepReport, base: string, caseNo: string, center: string): void {
  report.problem(`${base}${caseNo} and ${base}${center}:${caseNo} both exist: the second is the engine's; the first is left as it is`);
}

/** `case-red:<x>` → ['case-red', x], or undefined for another subject. */
function caseSubject(subject: string): [rule: string, rest: string] | undefined {
  for (const rule of CASE_RULES) if (subject.startsWith(`${rule}:`)) return [rule, subject.slice(rule.length + 1)];
  return undefined;
}

async function moveTimers(ctx: MigrationContext, report: StepReport): Promise<void> {
  const { redis, keys } = ctx;
  for await (const page of scanHash(redis, keys.alertTimerPayloads, 'case-*')) {
    const moves: [old: string, next: string, read: string][] = [];
    for (const [timer, json] of page) {
      const subject = caseSubject(timer);
      if (!subject) continue;
      const payload = parseJson(json);
      const spec = isRecord(payload) && isRecord(payload.spec) ? payload.spec : undefined;
      const center = str(spec?.center);
      const caseNo = str(spec?.case);
      if (!center || !caseNo) {
        report.problem(`timer ${timer}: its card names no center or case; left as it is`);
        continue;
      }
      const next = `${subject[0]}:${center}:${caseNo}`;
      if (timer === next) {
        report.saw('case timers in the new layout');
        continue;
      }
      if (subject[1] !== caseNo) {
        report.problem(`timer ${timer}: its card is about case ${caseNo} of ${center}, which does not fit its name; left as it is`);
        continue;
      }
      moves.push([timer, next, json]);
      report.example(`timer ${timer} → ${next}`);
    }
    for (const batch of chunks(moves, 100)) {
      if (ctx.dryRun) {
        const taken = await Promise.all(batch.map(([, next]) => redis.hexists(keys.alertTimerPayloads, next)));
        batch.forEach(([old, next], i) => {
          if (taken[i] === 1) report.problem(`timers ${old} and ${next} both exist: the second is the engine's; the first is left as it is`);
          else report.change('case timers to rename');
        });
        continue;
      }
      const res = (await runBatch(ctx, MOVE_TIMER_LUA, batch.flat())) as string[];
      batch.forEach(([old, next], i) => {
        if (res[i] === 'moved') report.change('case timers renamed');
        else if (res[i] === 'conflict') report.problem(`timers ${old} and ${next} both exist: the second is the engine's; the first is left as it is`);
        else report.saw('case timers that fired or changed before they were renamed');
      });
    }
  }
}

async function moveSubjects(ctx: MigrationContext, report: StepReport): Promise<void> {
  const { redis, keys } = ctx;
  for await (const page of scanHash(redis, keys.alertActive, 'case-*')) {
    const candidates = page.filter(([subject]) => caseSubject(subject));
    if (candidates.length === 0) continue;
    const alerts = await redis.mget(...candidates.map(([, id]) => keys.alert(id)));
    const moves: [old: string, next: string, id: string][] = [];
    candidates.forEach(([subject, id], i) => {
      const alert = parseJson(alerts[i]);
      if (!isRecord(alert)) {
        report.problem(`unresolved ${subject}: its alert ${id} does not exist; left as it is`);
        return;
      }
      const rule = str(alert.rule);
      const center = str(alert.center);
      const caseNo = str(alert.case);
      const next = `${rule}:${center}:${caseNo}`;
      if (subject === next) {
        report.saw('unresolved case cards in the new layout');
        return;
      }
      if (!rule || !center || !caseNo || subject !== `${rule}:${caseNo}`) {
        report.problem(
          `unresolved ${subject}: its alert ${id} (${String(alert.rule)}, ${String(alert.center)}, ${String(alert.case)}) does not fit the subject; left as it is`,
        );
        return;
      }
      moves.push([subject, next, id]);
      report.example(`alert ${id}: subject ${subject} → ${next}`);
    });
    for (const batch of chunks(moves, 100)) {
      if (ctx.dryRun) {
        const taken = await Promise.all(batch.map(([, next]) => redis.hexists(keys.alertActive, next)));
        batch.forEach(([old, next], i) => {
          if (taken[i] === 1) report.problem(`unresolved ${old} and ${next} both exist: the second is the engine's; the first is left as it is`);
          else report.change('unresolved case cards to rename');
        });
        continue;
      }
      const res = (await runBatch(ctx, MOVE_SUBJECT_LUA, batch.flat())) as string[];
      batch.forEach(([old, next, id], i) => {
        if (res[i] === 'moved') report.change('unresolved case cards renamed');
        else if (res[i] === 'conflict')
          report.problem(`unresolved ${old} and ${next} both exist: the second is the engine's; the first (alert ${id}) is left as it is`);
        else if (res[i] === 'missing') report.problem(`unresolved ${old}: its alert ${id} does not exist; left as it is`);
        else report.saw('case cards that ended or changed before they were renamed');
      });
    }
  }
}

export const alertCasesWithCenter: Migration = {
  version: 2,
  name: "the alert engine's case records, case timers and case cards name the center",
  async run(ctx) {
    const report = new StepReport();
    await moveCaseStates(ctx, report);
    await moveTimers(ctx, report);
    await moveSubjects(ctx, report);
    return report;
  },
};
