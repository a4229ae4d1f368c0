/**
 * The configuration store (docs/admin.md): each section (sections.ts) lives in Redis as a hash of
 * its JSON, its version and who changed it when. A fresh Redis is seeded from the files once; a
 * hub that starts later with a changed file keeps what Redis has (`config import` applies a file).
 * A write is a compare-and-set (config-put.lua) announced on a channel; every hub listens, and
 * also polls the versions every second, because a message published while its subscriber
 * reconnects is lost: a change applies on every hub within 2 s.
 */
import type { Logger } from 'pino';
import type { ConfigIssue, ConfigSection, ConfigSectionInfo } from '../../common/config-sections.ts';
import { ConfigError } from '../config/env.ts';
import { Conflict, InputError } from '../domain-errors.ts';
import type { RedisClient, RedisTarget } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { assembleScript } from '../redis/scripts.ts';
import { connectRealtimeRedis } from '../realtime/realtime-redis.ts';
import { checkSection, describeIssue, legacyKeyOf, readSectionFiles, SECTION_ORDER, type SectionFiles, type SectionValues } from './sections.ts';

/** How often every hub reads the versions, in case a change message was lost. */
export const CONFIG_POLL_MS = 1000;

type ConfigRedis = RedisClient & {
  ygConfigPut(key: string, expected: string, json: string, at: string, by: string, channel: string, section: string): Promise<[number, number]>;
};

function withConfigScripts(client: RedisClient): ConfigRedis {
  client.defineCommand('ygConfigPut', { numberOfKeys: 1, lua: assembleScript('config-put.lua') });
  return client as ConfigRedis;
}

export type ConfigListener = (section: ConfigSection, version: number) => void | Promise<void>;

export interface PutResult<K extends ConfigSection> {
  version: number;
  before: SectionValues[K];
  after: SectionValues[K];
}

export interface ConfigStore {
  /** The section as this hub applies it now. */
  current<K extends ConfigSection>(section: K): SectionValues[K];
  /** Every section as this hub applies it now. */
  all(): SectionValues;
  version(section: ConfigSection): number;
  /** Version and last change of each section, read from Redis. */
  list(): Promise<ConfigSectionInfo[]>;
  /**
   * Checks and stores a section; `ifMatch` (a version) refuses a stale write (Conflict 409), an
   * invalid one is an InputError (400) with every issue. Applied on this hub before it answers.
   */
  put<K extends ConfigSection>(section: K, body: unknown, opts: { ifMatch?: number; actor: string }): Promise<PutResult<K>>;
  /**
   * Several sections at once, all or nothing (`config import`): each checked against the others as
   * they will be, then stored in one transaction. Issues name their section (`alerts: defaults.x`).
   */
  putAll(input: Partial<Record<ConfigSection, unknown>>, opts: { actor: string }): Promise<({ section: ConfigSection } & PutResult<ConfigSection>)[]>;
  /** Told after a section changed on this hub (from this hub's write, the channel or the poll). */
  onChange(listener: ConfigListener): () => void;
  /** Reads the versions now and applies what changed. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface ConfigStoreDeps {
  redis: RedisClient;
  /** For the change channel's own connection; none (the CLI): no subscription, no poll. */
  redisTarget?: RedisTarget;
  keys: RedisKeys;
  log: Pick<Logger, 'warn' | 'info'>;
  now: () => number;
  /** The files that seed a fresh Redis (config/ by default). */
  seed: SectionFiles;
  pollMs?: number;
}

/** A stored section that is not valid JSON of its schema (written by hand or by another release). */
function invalidStored(section: ConfigSection, key: string, issues: ConfigIssue[]): ConfigError {
  const first = issues[0]!;
  return new ConfigError(
    `config ${section}: the stored section (${key}) is not valid at ${first.path}: ${first.message}; fix it with npm run admin -- config import`,
  );
}

/** A stored section's JSON; what is not JSON (written by hand) fails the section's schema. */
function jsonOf(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export async function createConfigStore(deps: ConfigStoreDeps): Promise<ConfigStore> {
  const { keys, log } = deps;
  const redis = withConfigScripts(deps.redis);
  const values: Partial<SectionValues> = {};
  const versions = new Map<ConfigSection, number>();
  const listeners = new Set<ConfigListener>();

  const all = () => values as SectionValues;

  // Seed what a fresh Redis lacks, catalog first: the other sections are checked against it.
  for (const section of SECTION_ORDER) {
    const key = keys.configSection(section);
    const stored = await redis.hget(key, 'json');
    if (stored === null) {
      // an older release's copy in Redis wins over the file (an upgrade keeps what an admin stored)
      const legacyKey = legacyKeyOf(section, keys.prefix);
      const legacy = legacyKey ? checkSection(section, jsonOf(await redis.get(legacyKey)), all()) : null;
      // against the sections seeded or stored before it (the catalog comes first)
      const checked = legacy?.ok ? legacy : checkSection(section, readSectionFiles(section, deps.seed), all());
      if (!checked.ok) throw new ConfigError(`config ${section}: ${describeIssue(section, checked.issues[0]!, deps.seed)}`);
      // 'none': only while no other hub seeded it meanwhile; then that hub's is taken below
      await redis.ygConfigPut(key, 'none', JSON.stringify(checked.value), '', '', keys.configChannel, section);
    }
    const [json, version] = await redis.hmget(key, 'json', 'version');
    const checked = checkSection(section, jsonOf(json), null);
    if (!checked.ok) throw invalidStored(section, key, checked.issues);
    (values as Record<string, unknown>)[section] = checked.value;
    versions.set(section, Number(version));
  }

  const tell = async (section: ConfigSection, version: number) => {
    for (const l of listeners) {
      try {
        await l(section, version);
      } catch (err) {
        log.warn({ err: (err as Error).message, section }, 'config: applying a change failed');
      }
    }
  };

  // one refresh at a time, so two never apply versions out of order
  let chain: Promise<void> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = chain.then(f);
    chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  const refreshNow = async () => {
    const pipe = redis.pipeline();
    for (const s of SECTION_ORDER) pipe.hget(keys.configSection(s), 'version');
    const got = (await pipe.exec()) ?? [];
    for (const [i, section] of SECTION_ORDER.entries()) {
      const v = Number(got[i]?.[1] ?? 0);
      if (v === versions.get(section) || v === 0) continue;
      const key = keys.configSection(section);
      const [json, version] = await redis.hmget(key, 'json', 'version');
      const checked = checkSection(section, jsonOf(json), null);
      if (!checked.ok) {
        // keep applying the last good one; say so once per version
        log.warn({ section, version }, `config: the stored ${section} section is not valid; this hub keeps its version ${versions.get(section)}`);
        versions.set(section, Number(version));
        continue;
      }
      (values as Record<string, unknown>)[section] = checked.value;
      versions.set(section, Number(version));
      await tell(section, Number(version));
    }
  };
  const refresh = () => serial(refreshNow);

  let sub: RedisClient | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  if (deps.redisTarget) {
    sub = connectRealtimeRedis(deps.redisTarget, 'yg-config-changed', { subscriber: true });
    sub.on('error', () => undefined);
    sub.on('message', () => void refresh().catch(() => undefined));
    await sub.subscribe(keys.configChannel);
    let failing = false;
    timer = setInterval(() => {
      refresh().then(
        () => {
          if (failing) log.info('config: reading the versions again');
          failing = false;
        },
        (err: unknown) => {
          // once per outage, not once a second
          if (!failing)
            log.warn({ err: (err as Error).message }, 'config: reading the versions failed; this hub keeps what it has and tries again every second');
          failing = true;
        },
      );
    }, deps.pollMs ?? CONFIG_POLL_MS);
    timer.unref();
  }

  return {
    current: (section) => all()[section],
    all,
    version: (section) => versions.get(section) ?? 0,
    async list() {
      const pipe = redis.pipeline();
      for (const s of SECTION_ORDER) pipe.hmget(keys.configSection(s), 'version', 'updatedAt', 'updatedBy');
      const got = (await pipe.exec()) ?? [];
      return SECTION_ORDER.map((section, i) => {
        const [version, at, by] = (got[i]?.[1] as (string | null)[] | undefined) ?? [];
        return {
          section,
          version: Number(version ?? 0),
          updatedAt: at ? new Date(Number(at)).toISOString() : null,
          updatedBy: by || null,
        };
      });
    },
    put(section, body, opts) {
      return serial(async () => {
        // level with Redis first: the check and the answer's `before` are against the latest version
        await refreshNow();
        const checked = checkSection(section, body, all());
        if (!checked.ok) {
          const first = checked.issues[0]!;
          throw new InputError(`${first.path}: ${first.message}`, first.path, checked.issues);
        }
        const before = all()[section];
        const expected = opts.ifMatch === undefined ? '*' : String(opts.ifMatch);
        const [stored, version] = await redis.ygConfigPut(
          keys.configSection(section),
          expected,
          JSON.stringify(checked.value),
          String(deps.now()),
          opts.actor,
          keys.configChannel,
          section,
        );
        if (stored !== 1)
          throw new Conflict(
            'stale-version',
            `the ${section} section changed since version ${opts.ifMatch ?? '?'} was read; it is now version ${version}: read it again`,
            {
              field: 'If-Match',
              version,
            },
          );
        (values as Record<string, unknown>)[section] = checked.value;
        versions.set(section, version);
        await tell(section, version);
        return { version, before, after: checked.value };
      });
    },
    putAll(input, opts) {
      return serial(async () => {
        await refreshNow();
        const names = SECTION_ORDER.filter((s) => Object.hasOwn(input, s));
        const parsed: Partial<SectionValues> = {};
        const issues: ConfigIssue[] = [];
        const note = (section: ConfigSection, list: ConfigIssue[]) => issues.push(...list.map((i) => ({ path: `${section}.${i.path}`, message: i.message })));
        for (const section of names) {
          const checked = checkSection(section, input[section], all(), null);
          if (checked.ok) (parsed as Record<string, unknown>)[section] = checked.value;
          else note(section, checked.issues);
        }
        if (issues.length === 0) {
          const combined = { ...all(), ...parsed } as SectionValues;
          for (const section of names) {
            const checked = checkSection(section, combined[section], null, combined);
            if (!checked.ok) note(section, checked.issues);
          }
        }
        if (issues.length > 0) throw new InputError(`${issues[0]!.path}: ${issues[0]!.message}`, issues[0]!.path, issues);
        const tx = redis.multi() as unknown as ConfigRedis & { exec(): Promise<[Error | null, unknown][] | null> };
        const at = String(deps.now());
        for (const section of names)
          tx.ygConfigPut(keys.configSection(section), '*', JSON.stringify(parsed[section]), at, opts.actor, keys.configChannel, section);
        const replies = (await tx.exec()) ?? [];
        const out: ({ section: ConfigSection } & PutResult<ConfigSection>)[] = [];
        for (const [i, section] of names.entries()) {
          const [err, reply] = replies[i] ?? [new Error('no reply'), null];
          if (err) throw err;
          const version = (reply as [number, number])[1];
          const before = all()[section];
          (values as Record<string, unknown>)[section] = parsed[section];
          versions.set(section, version);
          out.push({ section, version, before, after: parsed[section]! });
        }
        for (const r of out) await tell(r.section, r.version);
        return out;
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    async close() {
      if (timer) clearInterval(timer);
      await chain;
      sub?.disconnect();
    },
  };
}
