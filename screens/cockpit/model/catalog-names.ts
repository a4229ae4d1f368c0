/** The names a breadcrumb needs, read from the screens' catalog store (the wall and the phone page alike). */
import type { useCatalogStore } from '../../../web/stores/catalog.ts';
import type { ScopeNames } from './labels.ts';

export function catalogScopeNames(catalog: ReturnType<typeof useCatalogStore>): ScopeNames {
  return {
    centerName: (c) => catalog.catalog?.centers.find((x) => x.code === c)?.short,
    deptName: (d) => catalog.departments.get(d)?.name,
    deptCenter: (d) => catalog.departments.get(d)?.center,
    windowName: (w) => catalog.windows.get(w)?.name,
    windowDept: (w) => catalog.windows.get(w)?.dept,
  };
}
