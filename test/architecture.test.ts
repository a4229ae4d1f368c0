/**
 * The dependency directions of docs/architecture.md ("Dependencies"), checked on every import of
 * every source file: a static `import … from`, an `export … from`, a side-effect `import '…'` and
 * a dynamic `import('…')`. Also where routes live: in a `*-routes.ts` file (`ingest-route.ts`, one
 * route) in the folder of their area, never in server/http/ or in the wiring.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const FOLDERS = ['common', 'server', 'mock', 'web', 'screens', 'bench', 'support', 'test', 'scripts'];
const SOURCE = /\.(ts|mts|mjs|js|vue)$/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sources(rel));
    } else if (SOURCE.test(entry.name)) out.push(rel);
  }
  return out;
}

const SPECIFIERS = [/\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];

interface Edge {
  from: string;
  to: string;
}

/** Every import between files of the repository: repository-relative paths, forward slashes. */
function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of FOLDERS.flatMap(sources)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const pattern of SPECIFIERS) {
      for (const m of text.matchAll(pattern)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) continue; // a package
        out.push({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) });
      }
    }
  }
  return out;
}

const ALL = edges();
const top = (p: string) => p.split('/')[0]!;
/** server/<area>/… → the area; server/hub.ts → `hub.ts`. */
const area = (p: string) => p.split('/')[1]!;
const list = (found: Edge[]) => found.map((e) => `${e.from} → ${e.to}`);

/** The folders each top-level folder may import from, besides itself. */
const ALLOWED: Record<string, string[]> = {
  common: [],
  mock: ['common'],
  server: ['common'],
  web: ['common', 'screens'],
  screens: ['common', 'web'],
  support: ['common', 'server', 'scripts', 'web'],
  // mock: the forecast back-test (bench/forecast.ts) generates its history with the mock's model
  bench: ['common', 'server', 'support', 'scripts', 'web', 'mock'],
  scripts: ['common', 'server', 'mock', 'web'],
  // test/ may import anything: it proves the rest
};

/**
 * web/vite.config.ts is not browser code: it runs in Node when the screens are built, and takes the
 * build's asset compression from scripts/ like the other build steps.
 */
const BUILD_TOOLING = new Set(['web/vite.config.ts → scripts/precompress-assets.ts']);

describe('the dependency directions', () => {
  it('finds the imports it checks', () => {
    expect(ALL.length).toBeGreaterThan(500);
    expect(ALL).toContainEqual({ from: 'server/hub.ts', to: 'server/http/app.ts' });
  });

  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only ${allowed.length ? allowed.map((a) => `${a}/`).join(', ') : 'itself'} and packages`, () => {
      const crossing = ALL.filter(
        (e) => top(e.from) === folder && top(e.to) !== folder && !allowed.includes(top(e.to)) && !BUILD_TOOLING.has(`${e.from} → ${e.to}`),
      );
      expect(list(crossing)).toEqual([]);
    });
  }

  it('has no circle between the areas of server/', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of ALL) {
      if (top(e.from) !== 'server' || top(e.to) !== 'server' || area(e.from) === area(e.to)) continue;
      graph.set(area(e.from), (graph.get(area(e.from)) ?? new Set()).add(area(e.to)));
    }
    const circles: string[] = [];
    const walk = (node: string, trail: string[]) => {
      if (trail.includes(node)) {
        circles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
        return;
      }
      for (const next of graph.get(node) ?? []) walk(next, [...trail, node]);
    };
    for (const node of graph.keys()) walk(node, []);
    expect([...new Set(circles)]).toEqual([]);
  });

  it('keeps server/http/ free of the areas it serves: they use it, it knows none of them', () => {
    const below = new Set(['http', 'config', 'catalog', 'identity', 'redis', 'domain-errors.ts']);
    expect(list(ALL.filter((e) => e.from.startsWith('server/http/') && top(e.to) === 'server' && !below.has(area(e.to))))).toEqual([]);
  });

  it('keeps server/util/ free of every area: small helpers any area may use', () => {
    expect(list(ALL.filter((e) => e.from.startsWith('server/util/') && top(e.to) === 'server' && area(e.to) !== 'util'))).toEqual([]);
  });

  it('keeps ingest from alerts and realtime from http', () => {
    const crossing = ALL.filter(
      (e) =>
        (e.from.startsWith('server/ingest/') && e.to.startsWith('server/alerts/')) ||
        (e.from.startsWith('server/realtime/') && e.to.startsWith('server/http/')),
    );
    expect(list(crossing)).toEqual([]);
  });
});

describe('where routes live', () => {
  it('in a *-routes.ts file (ingest-route.ts) of their area, made with apiRouter()', () => {
    const routeFiles = sources('server').filter(
      (f) => /\bapiRouter\(\)/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')) && f !== 'server/http/api-router.ts',
    );
    expect(routeFiles.length).toBeGreaterThan(5);
    const astray = routeFiles.filter((f) => f.startsWith('server/http/') || !/-routes?\.ts$/.test(f));
    expect(astray).toEqual([]);
  });
});
