/** Scopes against the catalog: whether one names something, whether one lies inside another. */
import type { Scope } from '../../common/catalog.ts';
import { ConfigError, type HubConfig } from '../config/env.ts';
import type { CatalogIndex } from './load-catalog.ts';

/**
 * Whether `inner` is `outer` or lies inside it (window ⊂ department ⊂ center ⊂ city; a member of
 * staff ⊂ their department). Who may read a staff scope is `mayRead`'s (server/identity/principal.ts).
 */
export function scopeContains(outer: Scope, inner: Scope, catalog: CatalogIndex): boolean {
  if (outer === inner || outer === 'city') return true;
  const [outerKind, outerCode] = splitScope(outer);
  const [innerKind, innerCode] = splitScope(inner);
  if (innerKind === 'staff') {
    const dept = staffDept(innerCode, catalog);
    if (dept === undefined) return false;
    return (outerKind === 'dept' && dept === outerCode) || (outerKind === 'center' && catalog.departments.get(dept)?.center === outerCode);
  }
  if (innerKind === 'dept') return outerKind === 'center' && catalog.departments.get(innerCode)?.center === outerCode;
  if (innerKind === 'window') {
    const w = catalog.windows.get(innerCode);
    if (!w) return false;
    return (outerKind === 'center' && w.center === outerCode) || (outerKind === 'dept' && w.dept === outerCode);
  }
  return false;
}

/** The department of a member of staff of the catalog; undefined for one it does not have. */
export function staffDept(code: string, catalog: CatalogIndex): string | undefined {
  return catalog.catalog.staff.find((s) => s.code === code)?.dept;
}

/**
 * Whether the scope names something in the catalog (unknown scopes would only create empty rooms).
 * A member of staff is not a place a wall, a room of /live or the snapshot serves: their figures are
 * read through the staff API alone (server/read/staff-routes.ts), so a staff scope is no scope here.
 */
export function scopeExists(scope: Scope, catalog: CatalogIndex): boolean {
  if (scope === 'city') return true;
  const [kind, code] = splitScope(scope);
  if (kind === 'staff') return false;
  if (kind === 'center') return catalog.centers.has(code);
  if (kind === 'dept') return catalog.departments.has(code);
  return catalog.windows.has(code);
}

/** Stops the start on a screen token (SCREEN_TOKENS) whose scope the catalog does not have. */
export function checkScreenTokenScopes(screenTokens: HubConfig['screenTokens'], catalog: CatalogIndex): void {
  for (const [name, { scope }] of screenTokens) {
    if (scope !== null && !scopeExists(scope, catalog))
      throw new ConfigError(`SCREEN_TOKENS: scope "${scope}" (screen "${name}") is not in the catalog (the catalog section, docs/admin.md)`);
  }
}

/** Stops the start on an ingest token (INGEST_TOKENS) whose scope names a center the catalog does not have. */
export function checkIngestTokenScopes(ingestTokens: HubConfig['ingestTokens'], catalog: CatalogIndex): void {
  for (const [source, { scope }] of ingestTokens) {
    for (const c of scope.spec.centers ?? [])
      if (!catalog.centers.has(c))
        throw new ConfigError(
          `INGEST_TOKENS: the scope of "${source}" names center "${c}", which is not in the catalog (${[...catalog.centers.keys()].join(', ')})`,
        );
  }
}

function splitScope(scope: Scope): [kind: string, code: string] {
  const i = scope.indexOf(':');
  return i < 0 ? [scope, ''] : [scope.slice(0, i), scope.slice(i + 1)];
}
