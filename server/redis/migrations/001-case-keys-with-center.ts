/**
 * Schema 1: the aggregator's case records name the center (release 30c14a3).
 *
 * Before, a case's hash was `<prefix>case:<case>` and its member in the open-case sets
 * `<prefix>open:<scope>` was `<case>`; a case number is unique within its center only, so both now
 * name the center: `<prefix>case:<center>:<case>` and `<center>:<case>`
 * (server/aggregate/case-events.lua). An old hash under the new name is converted by the hub when
 * the case's next event arrives (`legacyLife`), so moving it is all that is needed: the figures it
 * counted stay as they are, and its next event moves them as if the new code had counted them.
 *
 * The center of an old hash: the `center:<c>` among its `scopes` (every acceptance counted in its
 * center), or the center of a completion that came before its acceptance (`early`); failing both
 * (a hash not written by the hub), the center of its department, window or item in the catalog.
 * A hash whose center cannot be known stays under its old name and is reported: the hub never
 * reads it again, what it counted (accepted, in progress) stays in the figures, and the case's
 * next event starts a new case. An admin who knows the center sets it (`HSET … center <c>`, a field
 * only this migration reads) and runs the migration again.
 *
 * Each moved hash gets `movedFrom` (the case number): a hash without `ev` is one the new code has
 * not rewritten yet, and `movedFrom` tells a moved one from an old one whose case number happens to
 * look like `<center>:<case>`. Then the open-case sets are swept: a member with no case record
 * under its name can never leave its set (no event finds it) and only inflates "overdue now", so it
 * is removed; one whose record stayed under the old name is left and reported.
 */
import {
  chunks,
  parseJson,
  isRecord,
  keysStartingWith,
  runBatch,
  scanKeys,
  scanSortedSet,
  str,
  StepReport,
  type CenterLookup,
  type Migration,
  type MigrationContext,
} from './migration.ts';
import { DAY_MS } from '../../../common/time.ts';

/** A completion still waiting for its acceptance is kept 60 days, as the aggregator keeps one today (CLOSED_CASE_TTL). */
const EARLY_CLOSE_TTL_S = (60 * DAY_MS) / 1000;

const MOVE_LUA = `
-- KEYS[1] the schema key (routing only). ARGV[1] prefix, ARGV[2] TTL (s) of a completion waiting
-- for its acceptance, then pairs: case number, center. Checks again what the plan read.
local P, EARLY_TTL = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 2 do
  local caseNo, center = ARGV[i], ARGV[i + 1]
  local old, new = P .. 'case:' .. caseNo, P .. 'case:' .. center .. ':' .. caseNo
  local r
  if redis.call('EXISTS', old) == 0 then r = 'gone'
  elseif redis.call('HEXISTS', old, 'ev') == 1 or redis.call('HEXISTS', old, 'movedFrom') == 1 then r = 'new'
  elseif redis.call('EXISTS', new) == 1 then r = 'conflict'
  else
    local member, moved = center .. ':' .. caseNo, 0
    for s in string.gmatch(redis.call('HGET', old, 'scopes') or '', '[^,]+') do
      local set = P .. 'open:' .. s
      local score = redis.call('ZSCORE', set, caseNo)
      if score then
        redis.call('ZREM', set, caseNo)
        redis.call('ZADD', set, score, member)
        moved = moved + 1
      end
    end
    redis.call('RENAME', old, new)
    redis.call('HSET', new, 'movedFrom', caseNo)
    if redis.call('HGET', new, 'status') == 'early-close' and redis.call('TTL', new) == -1 then
      redis.call('EXPIRE', new, EARLY_TTL)
    end
    r = tostring(moved)
  end
  out[#out + 1] = r
end
return out
`;

const SWEEP_LUA = `
-- KEYS[1] the schema key (routing only). ARGV[1] prefix, then pairs: scope, member. Removes the
-- member from the scope's open-case set when no case record has its name.
local P, n = ARGV[1], 0
for i = 2, #ARGV, 2 do
  if redis.call('EXISTS', P .. 'case:' .. ARGV[i + 1]) == 0 then
    n = n + redis.call('ZREM', P .. 'open:' .. ARGV[i], ARGV[i + 1])
  end
end
return n
`;

const FIELDS = ['movedFrom', 'status', 'scopes', 'dept', 'item', 'early', 'center'] as const;
type OldCase = Partial<Record<(typeof FIELDS)[number], string>>;

/** The center of a hash written before case keys named it, and where it was found; undefined when it cannot be known. */
export function centerOfOldCase(c: OldCase, lookup: CenterLookup): { center: string; from: string } | undefined {
  // no release wrote it: an admin's answer for a record whose center nothing else tells (docs/deploy.md)
  if (c.center) return { center: c.center, from: 'its center field' };
  const scopes = (c.scopes ?? '').split(',').filter(Boolean);
  const stored = scopes.find((s) => s.startsWith('center:'));
  if (stored && stored.length > 'center:'.length) return { center: stored.slice('center:'.length), from: 'its scopes' };
  const early = parseJson(c.early);
  const event = isRecord(early) && isRecord(early.e) ? early.e : undefined;
  const earlyCenter = str(event?.center);
  if (earlyCenter) return { center: earlyCenter, from: 'its early completion' };
  for (const s of scopes) {
    const center = lookup.ofScope(s);
    if (center) return { center, from: `the catalog (${s})` };
  }
  const byDept = c.dept ? lookup.ofDept(c.dept) : undefined;
  if (byDept) return { center: byDept, from: `the catalog (department ${c.dept})` };
  const byItem = c.item ? lookup.ofItem(c.item) : undefined;
  if (byItem) return { center: byItem, from: `the catalog (item ${c.item})` };
  return undefined;
}

async function moveCaseRecords(ctx: MigrationContext, report: StepReport): Promise<void> {
  const { redis, keys } = ctx;
  const base = `${keys.prefix}case:`;
  for await (const found of scanKeys(redis, keysStartingWith(base), 'hash')) {
    const pipe = redis.pipeline();
    for (const key of found) {
      pipe.hmget(key, ...FIELDS);
      pipe.hexists(key, 'ev');
    }
    const answers = (await pipe.exec()) ?? [];
    const moves: { caseNo: string; center: string; scopes: string[]; status: string }[] = [];
    found.forEach((key, i) => {
      const [fieldsErr, values] = answers[i * 2] ?? [];
      const [evErr, hasEv] = answers[i * 2 + 1] ?? [];
      if (fieldsErr || evErr) throw fieldsErr ?? evErr;
      const c: OldCase = {};
      FIELDS.forEach((f, j) => {
        const v = (values as (string | null)[])[j];
        if (v !== null && v !== undefined) c[f] = v;
      });
      if (hasEv === 1) return report.saw('case records in the new layout');
      if (c.movedFrom !== undefined) return report.saw('case records moved by an earlier run');
      const caseNo = key.slice(base.length);
      if (!c.status) return report.problem(`${key}: no status, not a case record the hub wrote; left as it is`);
      const where = centerOfOldCase(c, ctx.centers);
      if (!where) {
        report.problem(
          `${key} (${c.status}): its center cannot be known (scopes "${c.scopes ?? ''}", department "${c.dept ?? ''}", item "${c.item ?? ''}"); ` +
            'left under its old name: the hub no longer reads it, what it counted stays in the figures, and its next event starts a new case ' +
            "(who knows its center: HSET the key's field center, then npm run admin -- migrate --again)",
        );
        return;
      }
      moves.push({ caseNo, center: where.center, scopes: (c.scopes ?? '').split(',').filter(Boolean), status: c.status });
      report.example(`${key} → ${base}${where.center}:${caseNo} (${c.status}; center from ${where.from})`);
    });
    for (const batch of chunks(moves, 100)) {
      if (ctx.dryRun) {
        const pipe = redis.pipeline();
        for (const m of batch) {
          pipe.exists(`${base}${m.center}:${m.caseNo}`);
          for (const s of m.scopes) pipe.zscore(`${keys.prefix}open:${s}`, m.caseNo);
        }
        const res = ((await pipe.exec()) ?? []).map(([err, v]) => {
          if (err) throw err;
          return v;
        });
        let at = 0;
        for (const m of batch) {
          const taken = res[at++] === 1;
          const members = m.scopes.filter(() => res[at++] !== null).length;
          if (taken) conflict(report, base, m.caseNo, m.center);
          else {
            report.change(`case records to move (${m.status})`);
            report.change('open-set members to rename', members);
          }
        }
        continue;
      }
      const res = (await runBatch(ctx, MOVE_LUA, [EARLY_CLOSE_TTL_S, ...batch.flatMap((m) => [m.caseNo, m.center])])) as string[];
      batch.forEach((m, i) => {
        const r = res[i];
        if (r === 'gone') report.saw('case records gone before they were moved');
        else if (r === 'new') report.saw('case records rewritten by the hub before they were moved');
        else if (r === 'conflict') conflict(report, base, m.caseNo, m.center);
        else {
          report.change(`case records moved (${m.status})`);
          report.change('open-set members renamed', Number(r));
        }
      });
    }
  }
}

function conflict(report: StepReport, base: string, caseNo: string, center: string): void {
  report.problem(
    `${base}${caseNo} and ${base}${center}:${caseNo} both exist (a hub of this release took events for the case before the migration): ` +
      'the second is the case the hub counts; the first is left as it is, with its open-set members, and what it counted stays in the figures',
  );
}

async function sweepOpenSets(ctx: MigrationContext, report: StepReport): Promise<void> {
  const { redis, keys } = ctx;
  const base = `${keys.prefix}open:`;
  for await (const sets of scanKeys(redis, keysStartingWith(base), 'zset')) {
    for (const set of sets) {
      const scope = set.slice(base.length);
      for await (const page of scanSortedSet(redis, set)) {
        const pipe = redis.pipeline();
        for (const [member] of page) {
          const record = `${keys.prefix}case:${member}`;
          pipe.exists(record);
          pipe.hexists(record, 'ev');
          pipe.hexists(record, 'movedFrom');
        }
        const res = ((await pipe.exec()) ?? []).map(([err, v]) => {
          if (err) throw err;
          return v;
        });
        const orphans: string[] = [];
        page.forEach(([member], i) => {
          const [exists, ev, moved] = [res[i * 3], res[i * 3 + 1], res[i * 3 + 2]];
          if (exists === 0) {
            orphans.push(member);
            report.example(`${set}: ${member} names no case record`);
          } else if (ev === 1 || moved === 1) {
            report.saw('open-set members in the new layout');
          } else if (ctx.dryRun) {
            report.saw('open-set members moved with their case record');
          } else {
            report.problem(`${set}: member ${member} belongs to ${keys.prefix}case:${member}, which was left under its old name (above); left as it is`);
          }
        });
        if (orphans.length === 0) continue;
        if (ctx.dryRun) report.change('open-set members naming no case record, to remove', orphans.length);
        else {
          for (const batch of chunks(orphans, 200)) {
            report.change(
              'open-set members naming no case record, removed',
              Number(
                await runBatch(
                  ctx,
                  SWEEP_LUA,
                  batch.flatMap((m) => [scope, m]),
                ),
              ),
            );
          }
        }
      }
    }
  }
}

export const caseKeysWithCenter: Migration = {
  version: 1,
  name: 'case records and open-case sets name the center',
  async run(ctx) {
    const report = new StepReport();
    await moveCaseRecords(ctx, report);
    await sweepOpenSets(ctx, report);
    return report;
  },
};
