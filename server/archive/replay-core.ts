/**
 * What rebuild (rebuild.ts) and time travel (time-travel.ts) share: archived records applied to the
 * aggregates under a scratch key prefix by the aggregation's own Lua (replay-apply.lua includes
 * aggregate-events.lua, the one definition of what an event counts as), a case's earlier life
 * seeded from the live case record, and stream ids compared.
 */
import { dateOfDayIndex } from '../../common/time.ts';
import { keysStartingWith } from '../redis/migrations/migration.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { assembleScript } from '../redis/scripts.ts';
import type { StreamRecord } from '../ingest/enrich-event.ts';

/** Records per apply call: large enough that a call's cost is the events', small enough to hold Redis a few ms. */
export const APPLY_BATCH = 1000;

export interface ReplayScriptCommands {
  /** Applies records (JSON) under a prefix: [applied, refused]. */
  ygReplayApply(prefix: string, nowMs: number, ...records: string[]): Promise<[number, number]>;
  /** Swaps one rebuilt day in (rebuild-swap.lua): [1, ''] swapped, [0, last id] when the day moved since the cut. */
  ygRebuildSwap(...args: string[]): Promise<[number, string]>;
}

export type ReplayRedis = RedisClient & ReplayScriptCommands;

export function withReplayScripts(client: RedisClient): ReplayRedis {
  client.defineCommand('ygReplayApply', { numberOfKeys: 0, lua: assembleScript('replay-apply.lua') });
  client.defineCommand('ygRebuildSwap', { numberOfKeys: 0, lua: assembleScript('rebuild-swap.lua') });
  return client as ReplayRedis;
}

/** Applies records (their JSON) in batches; answers how many were applied and refused. */
export async function applyRecords(redis: ReplayRedis, prefix: string, nowMs: number, jsons: readonly string[]): Promise<{ applied: number; refused: number }> {
  let applied = 0;
  let refused = 0;
  for (let i = 0; i < jsons.length; i += APPLY_BATCH) {
    const [a, r] = await redis.ygReplayApply(prefix, nowMs, ...jsons.slice(i, i + APPLY_BATCH));
    applied += a;
    refused += r;
  }
  return { applied, refused };
}

/** Copies what the aggregation Lua reads besides the records (the working-day calendar, for case due dates). */
export async function prepareScratch(redis: RedisClient, live: RedisKeys, scratch: RedisKeys): Promise<void> {
  if (await redis.exists(live.calendar)) await redis.call('COPY', live.calendar, scratch.calendar, 'REPLACE');
}

/** `<center>:<case>` of a case event's record (the case record's id), else null. */
export function caseIdOf(record: StreamRecord): string | null {
  const e = record.e as { center?: unknown; case?: unknown };
  return record.t.startsWith('case.') && typeof e.center === 'string' && typeof e.case === 'string' ? `${e.center}:${e.case}` : null;
}

/** One event of a case's stored life (server/aggregate/case-events.lua writes them under `ev`). */
interface LifeEvent {
  t: string;
  ms: number;
  day: number;
  hh: string;
  mm: string;
  id: string;
  p?: number;
  s?: string;
  dept?: string;
  item?: string;
}

/**
 * A case's events before `fromDay`, as records the aggregation Lua applies: a replay that starts at
 * `fromDay` needs the case's earlier life (its acceptance, a suspension) to count its completion as
 * live did. Read from the live case record (kept while the case is open and 60 days after it ended,
 * CaseLifecycle.ENDED_KEEP_DAYS); a case whose record is gone or predates stored lives (no `ev`)
 * gives nothing, and its later events count as a case never accepted (docs/archive.md, "Rebuild").
 */
export async function earlierLives(redis: RedisClient, live: RedisKeys, caseIds: readonly string[], fromDay: number): Promise<string[]> {
  if (caseIds.length === 0) return [];
  const p = redis.pipeline();
  for (const id of caseIds) p.hget(`${live.prefix}case:${id}`, 'ev');
  const results = (await p.exec()) ?? [];
  const records: string[] = [];
  caseIds.forEach((id, i) => {
    const [err, json] = results[i] ?? [null, null];
    if (err || typeof json !== 'string') return;
    let life: LifeEvent[];
    try {
      life = JSON.parse(json) as LifeEvent[];
    } catch {
      return;
    }
    const sep = id.indexOf(':');
    const center = id.slice(0, sep);
    const caseNo = id.slice(sep + 1);
    const accepted = life.find((x) => x.t === 'case.accepted');
    const scopes = accepted?.s ? accepted.s.split(',') : [`center:${center}`];
    for (const x of life) {
      if (x.day >= fromDay || !x.id) continue;
      const e: Record<string, unknown> = { id: x.id, type: x.t, center, case: caseNo };
      if (x.t === 'case.accepted') Object.assign(e, { promisedDays: x.p, dept: x.dept, item: x.item });
      records.push(JSON.stringify({ t: x.t, ms: x.ms, day: x.day, hh: x.hh, mm: x.mm, month: dateOfDayIndex(x.day).slice(0, 7), scopes, e }));
    }
  });
  return records;
}

/** A stream id as two numbers, for ordering. */
export function idParts(id: string): [number, number] {
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** a > b, for stream ids. */
export function idAfter(a: string, b: string): boolean {
  const [am, as] = idParts(a);
  const [bm, bs] = idParts(b);
  return am > bm || (am === bm && as > bs);
}

/** The aggregators' group's last applied stream id, or '' when there is no group (an empty Redis). */
export async function groupCut(redis: RedisClient, keys: RedisKeys): Promise<string> {
  let groups: unknown[];
  try {
    groups = (await redis.call('XINFO', 'GROUPS', keys.stream)) as unknown[];
  } catch {
    return '';
  }
  for (const g of groups as string[][]) {
    const fields = new Map<string, string>();
    for (let i = 0; i < g.length; i += 2) fields.set(String(g[i]), String(g[i + 1]));
    if (fields.get('name') === keys.group) return fields.get('last-delivered-id') ?? '';
  }
  return '';
}

/** Every key matching `pattern` (SCAN, never KEYS). */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    for (const k of keys) found.add(k);
  } while (cursor !== '0');
  return [...found];
}

/** Every key under a prefix. */
export const keysUnderPrefix = (redis: RedisClient, prefix: string): Promise<string[]> => scanKeys(redis, keysStartingWith(prefix));
