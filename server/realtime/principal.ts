/** Who is on the other end of a realtime connection, and which scopes they may read. */
import type { Socket } from 'socket.io';
import type { Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';

/** A signed-in user as the session layer (issue 7) resolves it from the handshake (cookie). */
export interface LiveUser {
  username: string;
  role: 'leader' | 'supervisor' | 'admin';
  /** Departments a supervisor is responsible for. */
  depts?: string[];
}

export type Principal =
  /** No token and no session, allowed only while SCREEN_TOKENS is empty (one hall on its own network). */
  | { kind: 'anonymous' }
  /** A wall screen: read-only, limited to its scope and what lies inside it (null: the whole city). */
  | { kind: 'screen'; name: string; scope: Scope | null }
  | { kind: 'user'; user: LiveUser };

/** The handshake of a connecting socket (headers, cookies, `auth`). */
export type Handshake = Socket['handshake'];

export type ResolveUser = (handshake: Handshake) => Promise<LiveUser | null>;

/** What every `/live` (and `/alerts`) socket carries after the handshake middleware. */
export interface LiveSocketData { principal: Principal }

/** Whether `inner` is `outer` or lies inside it (window ⊂ department ⊂ center ⊂ city). */
export function scopeContains(outer: Scope, inner: Scope, catalog: CatalogIndex): boolean {
  if (outer === inner || outer === 'city') return true;
  const [outerKind, outerCode] = splitScope(outer);
  const [innerKind, innerCode] = splitScope(inner);
  if (innerKind === 'dept') return outerKind === 'center' && catalog.departments.get(innerCode)?.center === outerCode;
  if (innerKind === 'window') {
    const w = catalog.windows.get(innerCode);
    if (!w) return false;
    return (outerKind === 'center' && w.center === outerCode) || (outerKind === 'dept' && w.dept === outerCode);
  }
  return false;
}

/** Whether the scope names something in the catalog (unknown scopes would only create empty rooms). */
export function scopeExists(scope: Scope, catalog: CatalogIndex): boolean {
  if (scope === 'city') return true;
  const [kind, code] = splitScope(scope);
  if (kind === 'center') return catalog.catalog.centers.some((c) => c.code === code);
  if (kind === 'dept') return catalog.departments.has(code);
  return catalog.windows.has(code);
}

/** The read rule of DESIGN section 8: screens see their scope and below, supervisors their departments. */
export function mayRead(principal: Principal, scope: Scope, catalog: CatalogIndex): boolean {
  switch (principal.kind) {
    case 'anonymous':
      return true;
    case 'screen':
      return principal.scope === null || scopeContains(principal.scope, scope, catalog);
    case 'user': {
      const { role, depts = [] } = principal.user;
      if (role === 'leader' || role === 'admin') return true;
      return depts.some((d) => scopeContains(`dept:${d}`, scope, catalog));
    }
  }
}

function splitScope(scope: Scope): [kind: string, code: string] {
  const i = scope.indexOf(':');
  return i < 0 ? [scope, ''] : [scope.slice(0, i), scope.slice(i + 1)];
}
