/**
 * The configuration sections (docs/admin.md): their names, and what the config API answers about
 * them. Shared by the hub (server/config-store/), the admin console and the screens (which refetch
 * what a `config` push on /live names).
 */
import { z } from 'zod';

/** Each section has the shape of its file(s) in config/; `catalog` is the five files of config/catalog/ in one object. */
export const CONFIG_SECTIONS = ['catalog', 'alerts', 'holidays', 'hall', 'cockpit', 'notify', 'playlists'] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

/** A section name in a path: exactly one of the names (anything else is a 404). */
export const configSectionParam = z.enum(CONFIG_SECTIONS, { message: `no such configuration section; the sections are ${CONFIG_SECTIONS.join(', ')}` });

/** One row of `GET /api/v1/admin/config`. */
export interface ConfigSectionInfo {
  section: ConfigSection;
  /** Starts at 1 (seeded from the files); each stored change adds 1. */
  version: number;
  /** ISO time of the last change through the API or the CLI; null while the section is as seeded. */
  updatedAt: string | null;
  updatedBy: string | null;
}

/** One problem of a refused PUT: the dotted path into the section and what is wrong there. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Pushed on /live to every screen when a section changed (on every hub, within 2 s). */
export interface ConfigChangedMessage {
  section: ConfigSection;
  version: number;
}
