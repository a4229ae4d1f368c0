/** Loads and checks the reference data in config/catalog/*.json, and indexes it for lookups. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CENTER_CODE_RE } from '../../common/events.ts';
import type { Catalog, Center, Department, ServiceItem, ServiceWindow } from '../../common/catalog.ts';
import type { ConfigIssue } from '../../common/config-sections.ts';
import { ConfigError } from '../config/env.ts';

const codeRe = /^[A-Za-z0-9._-]{1,64}$/;
const centerCode = z.string().regex(CENTER_CODE_RE, 'must be a center code: lowercase letters, digits and -, e.g. yiyang');
const schemas = {
  centers: z.array(z.object({ code: centerCode, name: z.string().min(1), short: z.string(), level: z.enum(['city', 'district']) })),
  departments: z.array(z.object({ code: z.string().regex(codeRe), center: centerCode, name: z.string(), queue: z.string() })),
  windows: z.array(
    z.object({
      code: z.string().regex(codeRe),
      center: centerCode,
      dept: z.string(),
      number: z.number().int(),
      name: z.string(),
      staff: z.array(z.string()),
    }),
  ),
  items: z.array(z.object({ code: z.string().regex(codeRe), dept: z.string(), name: z.string(), promisedDays: z.number().int().min(0) })),
  staff: z.array(z.object({ code: z.string().regex(codeRe), name: z.string(), dept: z.string(), window: z.string() })),
};
/** The files of config/catalog/, one schema each: together, the answer of GET /api/v1/catalog (server/http/openapi.ts). */
export const catalogSchemas = schemas;
/** The `catalog` configuration section (docs/admin.md): the five files in one object. */
export const catalogSectionSchema = z.object(schemas);

/**
 * What the schemas cannot see: duplicate codes, and references between the lists (a department's
 * center, a window's center and department, an item's or a staff member's department …).
 */
export function catalogIssues(c: Catalog): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const codes = <T extends { code: string }>(list: T[], name: string) => {
    const seen = new Map<string, T>();
    list.forEach((x, i) => {
      if (seen.has(x.code)) issues.push({ path: `${name}.${i}.code`, message: `duplicate code "${x.code}"` });
      else seen.set(x.code, x);
    });
    return seen;
  };
  const centers = codes(c.centers, 'centers');
  const departments = codes(c.departments, 'departments');
  const windows = codes(c.windows, 'windows');
  codes(c.items, 'items');
  const staff = codes(c.staff, 'staff');
  if (!c.centers.some((x) => x.level === 'city')) issues.push({ path: 'centers', message: 'needs one center of level "city" (the whole city)' });
  c.departments.forEach((d, i) => {
    if (!centers.has(d.center)) issues.push({ path: `departments.${i}.center`, message: `unknown center "${d.center}"` });
  });
  c.windows.forEach((w, i) => {
    if (!centers.has(w.center)) issues.push({ path: `windows.${i}.center`, message: `unknown center "${w.center}"` });
    const dept = departments.get(w.dept);
    if (!dept) issues.push({ path: `windows.${i}.dept`, message: `unknown department "${w.dept}"` });
    else if (dept.center !== w.center)
      issues.push({ path: `windows.${i}.dept`, message: `department "${w.dept}" is in ${dept.center}, the window in ${w.center}` });
    w.staff.forEach((s, j) => {
      if (!staff.has(s)) issues.push({ path: `windows.${i}.staff.${j}`, message: `unknown staff "${s}"` });
    });
  });
  c.items.forEach((it, i) => {
    if (!departments.has(it.dept)) issues.push({ path: `items.${i}.dept`, message: `unknown department "${it.dept}"` });
  });
  c.staff.forEach((s, i) => {
    if (!departments.has(s.dept)) issues.push({ path: `staff.${i}.dept`, message: `unknown department "${s.dept}"` });
    if (s.window && !windows.has(s.window)) issues.push({ path: `staff.${i}.window`, message: `unknown window "${s.window}"` });
  });
  return issues;
}

export interface CatalogIndex {
  catalog: Catalog;
  centers: Map<string, Center>;
  departments: Map<string, Department>;
  windows: Map<string, ServiceWindow>;
  items: Map<string, ServiceItem>;
  staffNames: Map<string, string>;
}

export function loadCatalog(dir: string): CatalogIndex {
  const read = <K extends keyof typeof schemas>(name: K): z.infer<(typeof schemas)[K]> => {
    const file = path.join(dir, `${name}.json`);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`catalog: cannot read ${file}: ${(err as Error).message}`);
    }
    const parsed = schemas[name].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`catalog: ${file} at ${issue.path.join('.')}: ${issue.message}`);
    }
    return parsed.data as z.infer<(typeof schemas)[K]>;
  };
  const catalog: Catalog = {
    centers: read('centers'),
    departments: read('departments'),
    windows: read('windows'),
    items: read('items'),
    staff: read('staff'),
  };
  return indexCatalog(catalog);
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  const departments = new Map(catalog.departments.map((d) => [d.code, d]));
  const windows = new Map(catalog.windows.map((w) => [w.code, w]));
  for (const w of catalog.windows) {
    const dept = departments.get(w.dept);
    if (!dept) throw new ConfigError(`catalog: window ${w.code} names unknown department ${w.dept}`);
    if (dept.center !== w.center) throw new ConfigError(`catalog: window ${w.code} is in ${w.center} but its department in ${dept.center}`);
  }
  return {
    catalog,
    centers: new Map(catalog.centers.map((c) => [c.code, c])),
    departments,
    windows,
    items: new Map(catalog.items.map((i) => [i.code, i])),
    staffNames: new Map(catalog.staff.map((s) => [s.code, s.name])),
  };
}

/**
 * A catalog index that always answers the current catalog: every field is read through `current`
 * at use time, so the hub's parts hold this one object and see a catalog PUT at once
 * (server/config-store/, docs/admin.md). The maps are swapped whole, never edited in place.
 */
export function liveCatalogIndex(current: () => CatalogIndex): CatalogIndex {
  return {
    get catalog() {
      return current().catalog;
    },
    get centers() {
      return current().centers;
    },
    get departments() {
      return current().departments;
    },
    get windows() {
      return current().windows;
    },
    get items() {
      return current().items;
    },
    get staffNames() {
      return current().staffNames;
    },
  };
}
