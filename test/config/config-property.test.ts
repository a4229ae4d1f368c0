/**
 * A PUT is all or nothing, for any input: random mutations of a valid section (a value replaced
 * by any JSON, a key or an element removed, a key added) are either accepted, stored as the
 * section's schema reads them and answered back equal, or refused with 400 listing issues and
 * the section left exactly as it was (same version, same JSON).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSection } from '../../common/config-sections.ts';
import { checkSection } from '../../server/config-store/sections.ts';
import type { Hub } from '../../server/hub.ts';
import { TestClock } from '../alerts/alert-hub.ts';
import { at } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { adminCookie, getSection, putSection, startConfigHub } from './config-hub.ts';

let hub: Hub;
let admin: string;

beforeAll(async () => {
  hub = await startConfigHub(testPrefix(), new TestClock(at('10:00')));
  admin = await adminCookie(hub);
});
afterAll(async () => {
  await hub?.stop();
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

function pathsOf(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

interface Mutation {
  pick: number;
  kind: 'set' | 'delete' | 'add';
  key: string;
  value: Json;
}

function mutate(original: Json, m: Mutation): Json {
  const root = structuredClone(original);
  const paths = pathsOf(root);
  const path = paths[m.pick % paths.length]!;
  if (path.length === 0) return m.kind === 'set' ? m.value : root;
  let parent: any = root;
  for (const p of path.slice(0, -1)) parent = parent[p];
  const last = path.at(-1)!;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    // an own key even for __proto__ (as JSON.parse makes one), not a prototype
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    else if (Array.isArray(target)) target.push(m.value);
    else parent[last] = m.value;
  }
  return root;
}

const mutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom<Mutation['kind']>('set', 'delete', 'add'),
  key: fc.constantFrom('x', '__proto__', 'constructor', 'yiyang.agri', 'from', 'notices'),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
});

describe('a PUT of any mutation of a valid section', () => {
  it.each<[ConfigSection, number]>([
    ['hall', 60],
    ['cockpit', 60],
    ['alerts', 60],
    ['holidays', 40],
    ['notify', 40],
    ['catalog', 12],
  ])('%s: is stored as read and answered back equal, or refused with nothing changed', async (section, numRuns) => {
    const original = (await getSection(hub, admin, section)).body as Json;
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const body = mutate(original, m);
        const before = await getSection(hub, admin, section);
        const res = await putSection(hub, admin, section, body);
        const after = await getSection(hub, admin, section);
        if (res.status === 200) {
          accepted++;
          const expected = checkSection(section, JSON.parse(JSON.stringify(body)), hub.config.all());
          expect(expected.ok).toBe(true);
          expect(after.version).toBe(before.version! + 1);
          expect(res.body).toEqual({ version: after.version });
          // answered back as stored (secrets masked: the notify section here has none)
          expect(after.body).toEqual(JSON.parse(JSON.stringify(expected.ok ? expected.value : null)));
        } else {
          refused++;
          expect(res.status).toBe(400);
          expect(res.body.issues.length).toBeGreaterThan(0);
          expect(res.body.field).toBe(res.body.issues[0].path);
          expect(after.version).toBe(before.version);
          expect(after.body).toEqual(before.body);
        }
      }),
      { numRuns },
    );
    // both outcomes occur, or the property proves little
    expect(refused).toBeGreaterThan(0);
    if (section !== 'catalog') expect(accepted).toBeGreaterThan(0);
  });
});
