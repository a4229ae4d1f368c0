/**
 * The breadcrumb's names on the wall: first those the overview answered with (the scope's center,
 * department and window), so the first screen needs no catalog; then the catalog's, once it has
 * loaded after the first screen, for a scope drilled into whose overview has not arrived yet.
 */
import type { ScopePath } from '../../../common/cockpit.ts';
import type { ScopeNames } from './labels.ts';

export function overviewScopeNames(path: ScopePath | null, fallback: ScopeNames | null): ScopeNames {
  const center = path?.center ?? null;
  const dept = path?.dept ?? null;
  const window = path?.window ?? null;
  return {
    centerName: (c) => (center?.code === c ? center.short : fallback?.centerName(c)),
    deptName: (d) => (dept?.code === d ? dept.name : fallback?.deptName(d)),
    deptCenter: (d) => (dept?.code === d && center ? center.code : fallback?.deptCenter(d)),
    windowName: (w) => (window?.code === w ? window.name : fallback?.windowName(w)),
    windowDept: (w) => (window?.code === w && dept ? dept.code : fallback?.windowDept(w)),
  };
}
