/**
 * `npm run admin -- config export|import` (docs/admin.md): the configuration sections as the files
 * of config/ (the catalog as its five files), so a center can keep its settings in version control.
 * Import checks every section it reads against the others as they will be, then stores them all in
 * one transaction, or nothing; every hub applies the change within 2 s.
 */
import path from 'node:path';
import type { Catalog } from '../common/catalog.ts';
import { CONFIG_SECTIONS, type ConfigSection } from '../common/config-sections.ts';
import { createAuditLog } from '../server/auth/audit-log.ts';
import { createConfigStore } from '../server/config-store/config-store.ts';
import { describeIssue, filesOfDir, maskedSection, readSectionFiles, SECTION_ORDER, seedFilesOf, writeSectionFiles } from '../server/config-store/sections.ts';
import type { SectionFiles } from '../server/config-store/sections.ts';
import { InputError } from '../server/domain-errors.ts';
import type { RedisClient } from '../server/redis/connect.ts';
import type { RedisKeys } from '../server/redis/keys.ts';

export { seedFilesOf };

export class ConfigCommandError extends Error {
  override name = 'ConfigCommandError';
}

export interface ConfigCommand {
  redis: RedisClient;
  keys: RedisKeys;
  /** The hub's seed files (for a Redis that has no configuration yet). */
  seed: SectionFiles;
  action: string | undefined;
  dir: string;
  section: string | undefined;
  actor: string;
  print: (line: string) => void;
}

/** The catalog section as Redis has it (seeding an empty Redis from the files, as a hub would). */
export async function currentCatalog(redis: RedisClient, keys: RedisKeys, config: Parameters<typeof seedFilesOf>[0]): Promise<Catalog> {
  const quiet = { warn: () => undefined, info: () => undefined };
  const store = await createConfigStore({ redis, keys, log: quiet, now: Date.now, seed: seedFilesOf(config) });
  await store.close();
  return store.current('catalog');
}

export async function configCommand(c: ConfigCommand): Promise<void> {
  const quiet = { warn: () => undefined, info: () => undefined };
  const store = await createConfigStore({ redis: c.redis, keys: c.keys, log: quiet, now: Date.now, seed: c.seed });
  try {
    const files = filesOfDir(path.resolve(c.dir));
    let sections: readonly ConfigSection[] = SECTION_ORDER;
    if (c.section !== undefined) {
      if (!(CONFIG_SECTIONS as readonly string[]).includes(c.section))
        throw new ConfigCommandError(`--section must be one of ${CONFIG_SECTIONS.join(', ')}, not "${c.section}"`);
      sections = [c.section as ConfigSection];
    }
    if (c.action === 'export') {
      for (const s of sections) {
        // the export holds the secrets: it is what `import` restores (keep it as you keep config/notify.json)
        for (const f of writeSectionFiles(s, store.current(s), files)) c.print(`${s} v${store.version(s)} → ${f}`);
      }
      return;
    }
    if (c.action === 'import') {
      const input: Partial<Record<ConfigSection, unknown>> = {};
      for (const s of sections) input[s] = readSectionFiles(s, files);
      let done;
      try {
        done = await store.putAll(input, { actor: c.actor });
      } catch (err) {
        if (!(err instanceof InputError) || !err.issues) throw err;
        const lines = err.issues.map((i) => {
          const [section, ...rest] = i.path.split('.');
          return `  ${describeIssue(section as ConfigSection, { path: rest.join('.'), message: i.message }, files)}`;
        });
        throw new ConfigCommandError(`nothing imported: ${err.issues.length} problem${err.issues.length > 1 ? 's' : ''}\n${lines.join('\n')}`);
      }
      const audit = createAuditLog(c.redis, c.keys, Date.now);
      for (const r of done) {
        await audit.record({
          actor: c.actor,
          action: `config.${r.section}-changed`,
          target: r.section,
          ip: 'local',
          detail: { version: r.version, before: maskedSection(r.section, r.before), after: maskedSection(r.section, r.after) },
        });
        c.print(`${r.section} → v${r.version}`);
      }
      return;
    }
    throw new ConfigCommandError('config needs export or import: npm run admin -- config export|import [--dir D] [--section S]');
  } finally {
    await store.close();
  }
}
