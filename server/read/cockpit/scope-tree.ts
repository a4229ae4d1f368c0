/**
 * Where a scope sits in the tree city → center → department → window, and what the cockpit
 * ranks under it: a city or center ranks its departments and windows; a department ranks its
 * windows; a window is ranked among the windows of its department.
 */
import type { Department, Scope, ServiceWindow } from '../../../common/catalog.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';

export interface ScopePlace {
  /** The center the scope lies in (null for the city). */
  center: string | null;
  departments: Department[];
  windows: ServiceWindow[];
  /** The nearest scope that trades and portal hits count in: the city or a center. */
  areaScope: Scope;
}

export function placeOf(scope: Scope, catalog: CatalogIndex): ScopePlace {
  const all = catalog.catalog;
  if (scope === 'city') return { center: null, departments: all.departments, windows: all.windows, areaScope: 'city' };
  const [kind, code = ''] = scope.split(':', 2) as [string, string];
  if (kind === 'center') {
    return {
      center: code,
      departments: all.departments.filter((d) => d.center === code),
      windows: all.windows.filter((w) => w.center === code),
      areaScope: scope,
    };
  }
  const deptCode = kind === 'dept' ? code : (catalog.windows.get(code)?.dept ?? '');
  const dept = catalog.departments.get(deptCode);
  if (!dept) return { center: null, departments: [], windows: [], areaScope: 'city' };
  return {
    center: dept.center,
    departments: [dept],
    windows: all.windows.filter((w) => w.dept === dept.code),
    areaScope: `center:${dept.center}`,
  };
}
