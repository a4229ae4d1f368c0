/**
 * The configuration sections, in one place (docs/admin.md): each one's schema (the one definition,
 * exported by the area that reads it), the file(s) it is seeded from and exported to, what it must
 * agree on with the other sections, and its secrets. The config store, the API and the CLI all
 * work from this registry.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Catalog } from '../../common/catalog.ts';
import { createWorkCalendar, holidayOverridesSchema, type HolidayOverrides } from '../../common/calendar.ts';
import type { CockpitConfig } from '../../common/cockpit.ts';
import { CONFIG_SECTIONS, type ConfigIssue, type ConfigSection } from '../../common/config-sections.ts';
import { hallConfigSchema, type HallConfig } from '../../common/hall.ts';
import { notifyConfigSchema, type NotifyConfig } from '../../common/notify.ts';
import { EMPTY_PLAYLISTS, playlistsSectionSchema, type PlaylistsSection } from '../../common/playlists.ts';
import { alertsCatalogIssues, alertsSectionSchema, type AlertsSection } from '../alerts/alert-config.ts';
import { catalogIssues, catalogSectionSchema } from '../catalog/load-catalog.ts';
import { ConfigError, type HubConfig } from '../config/env.ts';
import { repoRoot } from '../config/repo-root.ts';
import { maskSecrets, restoreSecrets } from '../notify/notify-config.ts';
import { cockpitSectionSchema } from '../read/cockpit/cockpit-config.ts';
import { DEFAULT_COVERAGE_FILE } from '../read/cockpit/cockpit-routes.ts';

export interface SectionValues {
  catalog: Catalog;
  alerts: AlertsSection;
  holidays: HolidayOverrides;
  hall: HallConfig;
  cockpit: CockpitConfig;
  notify: NotifyConfig;
  playlists: PlaylistsSection;
}

/** Where the sections' files are: the hub's seed files (CATALOG_DIR, ALERTS_FILE …), or an export directory. */
export interface SectionFiles {
  catalogDir: string;
  alertsFile: string;
  holidaysFile: string;
  hallFile: string;
  cockpitFile: string;
  notifyFile: string;
  playlistsFile: string;
}

/** The layout of `npm run admin -- config export|import --dir D`: the layout of config/. */
export function filesOfDir(dir: string): SectionFiles {
  return {
    catalogDir: path.join(dir, 'catalog'),
    alertsFile: path.join(dir, 'alerts.json'),
    holidaysFile: path.join(dir, 'holidays.json'),
    hallFile: path.join(dir, 'hall.json'),
    cockpitFile: path.join(dir, 'coverage.json'),
    notifyFile: path.join(dir, 'notify.json'),
    playlistsFile: path.join(dir, 'playlists.json'),
  };
}

/** The hubs' seed files, as the hub takes them from its settings (CATALOG_DIR …; the hall and cockpit files of config/). */
export function seedFilesOf(config: Pick<HubConfig, 'catalogDir' | 'alertsFile' | 'holidaysFile' | 'notifyFile'>): SectionFiles {
  return {
    catalogDir: config.catalogDir,
    alertsFile: config.alertsFile,
    holidaysFile: config.holidaysFile,
    notifyFile: config.notifyFile,
    hallFile: path.join(repoRoot, 'config/hall.json'),
    cockpitFile: DEFAULT_COVERAGE_FILE,
    playlistsFile: path.join(repoRoot, 'config/playlists.json'),
  };
}

const CATALOG_LISTS = ['centers', 'departments', 'windows', 'items', 'staff'] as const;

interface SectionDef<K extends ConfigSection> {
  schema: z.ZodType<SectionValues[K]>;
  /** The files of the section, each with the part of the section it holds (the whole one but for the catalog). */
  files(f: SectionFiles): { file: string; part: string | null }[];
  /** A section with no file is this (null: the file is required). */
  absent: unknown;
  /** What the schema cannot see: references to the other sections, as they would be after the change. */
  crossCheck?(value: SectionValues[K], all: SectionValues): ConfigIssue[];
  /** The section as answered and audited: secrets masked. */
  mask?(value: SectionValues[K]): SectionValues[K];
  /** Where an older release kept the section in Redis: it seeds the section instead of the file (an upgrade keeps it). */
  legacyKey?(prefix: string): string;
  /** A PUT body with masked secrets replaced by the current ones. */
  restore?(body: unknown, current: SectionValues[K]): { value: unknown; issues: ConfigIssue[] };
}

const whole = (file: string) => [{ file, part: null }];

export const SECTIONS: { [K in ConfigSection]: SectionDef<K> } = {
  catalog: {
    schema: catalogSectionSchema,
    files: (f) => CATALOG_LISTS.map((part) => ({ file: path.join(f.catalogDir, `${part}.json`), part })),
    absent: null,
    crossCheck: (value, all) => [
      ...catalogIssues(value),
      // a department the alert thresholds name must stay, or the alerts section would name nothing
      ...(all.alerts === undefined
        ? []
        : alertsCatalogIssues(all.alerts, new Set(value.departments.map((d) => d.code))).map((i) => ({
            path: 'departments',
            message: `${i.message.replace('is not in the catalog', 'is named by the alerts section')}; remove it there first`,
          }))),
    ],
  },
  alerts: {
    schema: alertsSectionSchema,
    files: (f) => whole(f.alertsFile),
    absent: null,
    crossCheck: (value, all) => alertsCatalogIssues(value, new Set(all.catalog.departments.map((d) => d.code))),
  },
  holidays: {
    schema: holidayOverridesSchema,
    files: (f) => whole(f.holidaysFile),
    absent: {},
    crossCheck: (value) => {
      try {
        createWorkCalendar(value);
        return [];
      } catch (err) {
        return [{ path: 'holidays', message: (err as Error).message }];
      }
    },
  },
  hall: { schema: hallConfigSchema, files: (f) => whole(f.hallFile), absent: { notices: [] } },
  cockpit: { schema: cockpitSectionSchema, files: (f) => whole(f.cockpitFile), absent: null },
  notify: {
    schema: notifyConfigSchema,
    files: (f) => whole(f.notifyFile),
    absent: {},
    mask: maskSecrets,
    restore: restoreSecrets,
    // the release before the config store kept a PUT of it here (server/notify/outbox-store.ts, notifyKeys)
    legacyKey: (prefix) => `${prefix}notify:config`,
  },
  // references between playlists and assignments are checked by the schema (common/playlists.ts)
  playlists: { schema: playlistsSectionSchema, files: (f) => whole(f.playlistsFile), absent: EMPTY_PLAYLISTS },
};

export const SECTION_ORDER: readonly ConfigSection[] = CONFIG_SECTIONS;

/** The issues of a zod refusal, every one, with dotted paths. */
function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(section)', message: i.message }));
}

export type Checked<K extends ConfigSection> = { ok: true; value: SectionValues[K] } | { ok: false; issues: ConfigIssue[] };

/**
 * A would-be section checked: masked secrets restored from `all[name]`, the schema, then the
 * cross-checks against the other sections as they are in `against` (`all` unless given; null: no
 * cross-checks). Either may lack the sections not seeded yet at a first start. Every problem is listed.
 */
export function checkSection<K extends ConfigSection>(name: K, body: unknown, all: SectionValues | null, against: SectionValues | null = all): Checked<K> {
  const def = SECTIONS[name] as SectionDef<K>;
  let input = body;
  const issues: ConfigIssue[] = [];
  if (def.restore && all?.[name] !== undefined) {
    const restored = def.restore(body, all[name]);
    input = restored.value;
    issues.push(...restored.issues);
  }
  const parsed = def.schema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: [...issues, ...zodIssues(parsed.error)] };
  if (def.crossCheck && against) issues.push(...def.crossCheck(parsed.data, { ...against, [name]: parsed.data }));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: parsed.data };
}

/** The section as the API answers it and the audit records it (secrets masked). */
export function maskedSection<K extends ConfigSection>(name: K, value: SectionValues[K]): SectionValues[K] {
  const def = SECTIONS[name] as SectionDef<K>;
  return def.mask ? def.mask(value) : value;
}

/** The key where an older release kept the section, if any. */
export function legacyKeyOf(name: ConfigSection, prefix: string): string | null {
  const def = SECTIONS[name] as SectionDef<ConfigSection>;
  return def.legacyKey ? def.legacyKey(prefix) : null;
}

/** The raw JSON of a section from its file(s); a missing optional file gives its default. */
export function readSectionFiles(name: ConfigSection, files: SectionFiles): unknown {
  const def = SECTIONS[name] as SectionDef<ConfigSection>;
  const parts: Record<string, unknown> = {};
  let value: unknown = undefined;
  for (const { file, part } of def.files(files)) {
    let raw: unknown;
    if (!fs.existsSync(file) && def.absent !== null) raw = def.absent;
    else {
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new ConfigError(`config ${name}: cannot read ${file}: ${(err as Error).message}`);
      }
    }
    if (part) parts[part] = raw;
    else value = raw;
  }
  return def.files(files).some((f) => f.part) ? parts : value;
}

/** Writes a section as its file(s) (the export format: two-space JSON, a final newline). */
export function writeSectionFiles<K extends ConfigSection>(name: K, value: SectionValues[K], files: SectionFiles): string[] {
  const def = SECTIONS[name] as SectionDef<K>;
  const written: string[] = [];
  for (const { file, part } of def.files(files)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const data = part ? (value as unknown as Record<string, unknown>)[part] : value;
    fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    written.push(file);
  }
  return written;
}

/** Where the issue of a file-read section is, for a start or import refused: the file and the path. */
export function describeIssue(name: ConfigSection, issue: ConfigIssue, files: SectionFiles): string {
  const def = SECTIONS[name] as SectionDef<ConfigSection>;
  const list = def.files(files);
  if (list.length === 1) return `${list[0]!.file} at ${issue.path}: ${issue.message}`;
  const [part, ...rest] = issue.path.split('.');
  const f = list.find((x) => x.part === part);
  return f ? `${f.file} at ${rest.join('.') || '(top)'}: ${issue.message}` : `${name} at ${issue.path}: ${issue.message}`;
}
