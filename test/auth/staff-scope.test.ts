/** The staff scope in the read rule (docs/auth.md, "Who is asking"): users only, never a wall. */
import { describe, expect, it } from 'vitest';
import { isScope, isWallScope } from '../../common/catalog.ts';
import type { SessionUser } from '../../common/auth.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { scopeContains, scopeExists } from '../../server/catalog/scopes.ts';
import { mayRead, type Principal } from '../../server/identity/principal.ts';

const catalog = loadCatalog('config/catalog');
const user = (role: SessionUser['role'], depts: string[] = []): Principal => ({
  kind: 'user',
  user: { username: role, name: role, role, depts } as SessionUser,
});

describe('the staff scope', () => {
  it('is a scope, but not one a wall may show or a room or snapshot may serve', () => {
    expect(isScope('staff:s0001')).toBe(true);
    expect(isWallScope('staff:s0001')).toBe(false);
    expect(isWallScope('dept:yiyang.realestate')).toBe(true);
    expect(scopeExists('staff:s0001', catalog)).toBe(false);
  });

  it('lies inside its department and center', () => {
    expect(scopeContains('dept:yiyang.realestate', 'staff:s0001', catalog)).toBe(true);
    expect(scopeContains('center:yiyang', 'staff:s0001', catalog)).toBe(true);
    expect(scopeContains('dept:yiyang.market', 'staff:s0001', catalog)).toBe(false);
    expect(scopeContains('center:heshan', 'staff:s0001', catalog)).toBe(false);
    expect(scopeContains('dept:yiyang.realestate', 'staff:nobody', catalog)).toBe(false);
  });

  it('is read by supervisors of the department, leaders and admins, never by a screen or nobody', () => {
    expect(mayRead(user('supervisor', ['yiyang.realestate']), 'staff:s0001', catalog)).toBe(true);
    expect(mayRead(user('supervisor', ['yiyang.market']), 'staff:s0001', catalog)).toBe(false);
    expect(mayRead(user('leader'), 'staff:s0001', catalog)).toBe(true);
    expect(mayRead(user('admin'), 'staff:s0001', catalog)).toBe(true);
    for (const scope of [null, 'city', 'center:yiyang', 'dept:yiyang.realestate', 'window:yiyang.w001'] as const)
      expect(mayRead({ kind: 'screen', name: 'hall', scope }, 'staff:s0001', catalog), String(scope)).toBe(false);
    expect(mayRead({ kind: 'anonymous' }, 'staff:s0001', catalog)).toBe(false);
  });
});
