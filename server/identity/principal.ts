/**
 * Who is asking, one type for every door of the hub (HTTP routes, the `/live` and `/alerts`
 * handshakes, ingest): a signed-in user, a wall screen, an ingest source, or nobody. The token
 * store hands out screen and source principals as they are (no copy per request); the resolver
 * (identity.ts) turns a request's or a handshake's credentials into one.
 */
import type { SessionUser } from '../../common/auth.ts';
import { isStaffScope, type Scope } from '../../common/catalog.ts';
import type { IngestScope } from '../../common/ingest-scope.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { scopeContains } from '../catalog/scopes.ts';

/** A person signed in with the session cookie. */
export interface UserPrincipal {
  kind: 'user';
  user: SessionUser;
}

/** A wall screen by its token: read-only, limited to its scope and what lies inside it (null: the whole city). */
export interface ScreenPrincipal {
  kind: 'screen';
  name: string;
  scope: Scope | null;
}

/** A source system by its ingest token or signature: what it may send. */
export interface SourcePrincipal {
  kind: 'source';
  source: string;
  scope: IngestScope;
}

/** No token and no session: allowed to read only while no screen token exists (one hall on its own network). */
export interface AnonymousPrincipal {
  kind: 'anonymous';
}

export type Principal = UserPrincipal | ScreenPrincipal | SourcePrincipal | AnonymousPrincipal;

export const ANONYMOUS: AnonymousPrincipal = { kind: 'anonymous' };

/**
 * The read rule, the same for HTTP and `/live` (docs/realtime.md, "Who may read what"): screens
 * see their scope and below, supervisors their departments, leaders and admins everything.
 */
export function mayRead(principal: Principal, scope: Scope, catalog: CatalogIndex): boolean {
  // a person's figures: signed-in supervisors of their department and leaders, never a wall
  if (isStaffScope(scope) && principal.kind !== 'user') return false;
  switch (principal.kind) {
    case 'anonymous':
      return true;
    case 'screen':
      return principal.scope === null || scopeContains(principal.scope, scope, catalog);
    case 'user': {
      const { role, depts } = principal.user;
      if (role === 'leader' || role === 'admin') return true;
      return depts.some((d) => scopeContains(`dept:${d}`, scope, catalog));
    }
    case 'source':
      return false;
  }
}
