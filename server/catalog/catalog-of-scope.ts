/**
 * The part of the catalog a screen of one scope needs (GET /api/v1/catalog?scope=): a center's
 * hall, window screens and supervisors name that center's departments, windows, items and staff,
 * never the other centers' (the whole city is ~10x one center). The centers themselves stay, all
 * of them: they are few, and a screen names its center by them. The city scope is the whole
 * catalog. Answers are made once per catalog and center: the catalog is replaced, not changed,
 * when its section is written.
 */
import type { Catalog, Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from './load-catalog.ts';

const made = new WeakMap<Catalog, Map<string, Catalog>>();

/** The center a known scope lies in; null for the city. */
function centerOf(scope: Scope, index: CatalogIndex): string | null {
  if (scope === 'city') return null;
  const [kind, code = ''] = scope.split(':', 2) as [string, string];
  if (kind === 'center') return code;
  if (kind === 'dept') return index.departments.get(code)?.center ?? null;
  return index.windows.get(code)?.center ?? null;
}

export function catalogOfScope(index: CatalogIndex, scope: Scope): Catalog {
  const center = centerOf(scope, index);
  const all = index.catalog;
  if (center === null) return all;
  let byCenter = made.get(all);
  if (!byCenter) made.set(all, (byCenter = new Map()));
  const known = byCenter.get(center);
  if (known) return known;
  const departments = all.departments.filter((d) => d.center === center);
  const depts = new Set(departments.map((d) => d.code));
  const part: Catalog = {
    centers: all.centers,
    departments,
    windows: all.windows.filter((w) => w.center === center),
    items: all.items.filter((i) => depts.has(i.dept)),
    staff: all.staff.filter((s) => depts.has(s.dept)),
  };
  byCenter.set(center, part);
  return part;
}
