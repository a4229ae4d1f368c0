/**
 * What a data migration is, and what every one of them uses: the key walk (SCAN, never KEYS), the
 * centers of the catalog, the report. A migration changes what an older release left in Redis into
 * what this one reads (docs/deploy.md, "Upgrading"). Each one:
 *
 * - plans by reading, then writes in small Lua batches that check again what they change, so a
 *   key changed by someone else meanwhile is skipped, and a run that stops halfway (a crash, a
 *   lost connection) is finished by the next one;
 * - marks what it changed so that a second run recognises it and changes nothing;
 * - in a dry run only plans, and reports what it would change.
 */
import { Cluster } from 'ioredis';
import type { Catalog } from '../../../common/catalog.ts';
import type { RedisClient } from '../connect.ts';
import type { RedisKeys } from '../keys.ts';

export interface MigrationLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface MigrationContext {
  redis: RedisClient;
  keys: RedisKeys;
  centers: CenterLookup;
  /** The hub's clock (epoch ms). */
  now: () => number;
  dryRun: boolean;
  log: MigrationLog;
}

export interface Migration {
  /** The schema version the data has once this migration ran (`<prefix>schema`). */
  version: number;
  name: string;
  run(ctx: MigrationContext): Promise<StepReport>;
}

/**
 * What one migration changed (or, in a dry run, would change), what it found already in the new
 * layout, and what it could not change, each named with its key.
 */
export class StepReport {
  /** what → how many: changes made (dry run: that would be made) */
  readonly changed = new Map<string, number>();
  /** what → how many: found as this release writes it, or otherwise left alone on purpose */
  readonly found = new Map<string, number>();
  /** What was left as it was, and why: the admin's to look at (the first MAX_LISTED). */
  readonly problems: string[] = [];
  /** A few of the changes, for the reader of a dry run. */
  readonly examples: string[] = [];
  problemCount = 0;
  exampleCount = 0;
  static readonly MAX_LISTED = 50;
  static readonly MAX_EXAMPLES = 10;

  change(what: string, n = 1): void {
    if (n !== 0) this.changed.set(what, (this.changed.get(what) ?? 0) + n);
  }
  saw(what: string, n = 1): void {
    if (n !== 0) this.found.set(what, (this.found.get(what) ?? 0) + n);
  }
  problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < StepReport.MAX_LISTED) this.problems.push(text);
  }
  example(text: string): void {
    this.exampleCount++;
    if (this.examples.length < StepReport.MAX_EXAMPLES) this.examples.push(text);
  }
  /** Nothing was (or would be) changed. */
  get unchanged(): boolean {
    return this.changed.size === 0;
  }
}

/** A glob pattern matching exactly the keys that start with `prefix`. */
export function keysStartingWith(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
}

/**
 * Every key that matches `pattern` and is of `type`, in batches, by SCAN (never KEYS: it blocks
 * Redis for the whole keyspace). In Cluster mode all the hub's keys share one slot (its prefix is a
 * hash tag), so every master is walked and one of them has them. A key renamed during the walk may
 * be seen under both names, or neither new; each migration recognises what it already changed.
 */
export async function* scanKeys(redis: RedisClient, pattern: string, type: 'hash' | 'zset' | 'string', batch = 1000): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', batch, 'TYPE', type);
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}

/** The fields and values of a hash, page by page (HSCAN), optionally only fields matching `match`. */
export async function* scanHash(redis: RedisClient, key: string, match = '*', batch = 500): AsyncGenerator<[string, string][]> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'MATCH', match, 'COUNT', batch);
    cursor = next;
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    if (pairs.length > 0) yield pairs;
  } while (cursor !== '0');
}

/** The members and scores of a sorted set, page by page (ZSCAN). */
export async function* scanSortedSet(redis: RedisClient, key: string, batch = 500): AsyncGenerator<[string, string][]> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.zscan(key, cursor, 'COUNT', batch);
    cursor = next;
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    if (pairs.length > 0) yield pairs;
  } while (cursor !== '0');
}

/**
 * Runs a migration's Lua batch. KEYS[1] is the schema key: it names no key the script changes,
 * but routes the call to the node that holds the hub's slot in Cluster mode.
 */
export async function runBatch(ctx: MigrationContext, lua: string, args: (string | number)[]): Promise<unknown> {
  return ctx.redis.eval(lua, 1, ctx.keys.schema, ctx.keys.prefix, ...args);
}

/** Splits a list into runs of at most `n`. */
export function chunks<T>(list: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** Which center a department, window or item belongs to, from the catalog (config/catalog/). */
export interface CenterLookup {
  /** The center codes of the catalog. */
  centers: string[];
  ofDept(dept: string): string | undefined;
  ofWindow(window: string): string | undefined;
  ofItem(item: string): string | undefined;
  /** From a scope: `center:<c>` itself, a department's or a window's center; `city` gives none. */
  ofScope(scope: string): string | undefined;
}

export function centerLookup(catalog: Catalog): CenterLookup {
  const depts = new Map(catalog.departments.map((d) => [d.code, d.center as string]));
  const windows = new Map(catalog.windows.map((w) => [w.code, w.center as string]));
  const items = new Map(catalog.items.map((i) => [i.code, i.dept]));
  const ofDept = (dept: string) => depts.get(dept);
  const ofWindow = (window: string) => windows.get(window);
  return {
    centers: catalog.centers.map((c) => c.code),
    ofDept,
    ofWindow,
    ofItem: (item) => {
      const dept = items.get(item);
      return dept === undefined ? undefined : ofDept(dept);
    },
    ofScope(scope) {
      const colon = scope.indexOf(':');
      if (colon < 0) return undefined;
      const kind = scope.slice(0, colon);
      const code = scope.slice(colon + 1);
      if (kind === 'center') return code;
      if (kind === 'dept') return ofDept(code);
      if (kind === 'window') return ofWindow(code);
      return undefined;
    },
  };
}

/** `JSON.parse` that answers undefined for what is not JSON. */
export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
