/** Loads and checks the reference data in config/catalog/*.json, and indexes it for lookups. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CENTER_CODES } from '../../common/events.ts';
import type { Catalog, Department, ServiceItem, ServiceWindow } from '../../common/catalog.ts';
import { ConfigError } from '../config/env.ts';

const codeRe = /^[A-Za-z0-9._-]{1,64}$/;
const schemas = {
  centers: z.array(z.object({ code: z.enum(CENTER_CODES), name: z.string(), short: z.string(), level: z.enum(['city', 'district']) })),
  departments: z.array(z.object({ code: z.string().regex(codeRe), center: z.enum(CENTER_CODES), name: z.string(), queue: z.string() })),
  windows: z.array(
    z.object({
      code: z.string().regex(codeRe),
      center: z.enum(CENTER_CODES),
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

export interface CatalogIndex {
  catalog: Catalog;
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
    departments,
    windows,
    items: new Map(catalog.items.map((i) => [i.code, i])),
    staffNames: new Map(catalog.staff.map((s) => [s.code, s.name])),
  };
}
