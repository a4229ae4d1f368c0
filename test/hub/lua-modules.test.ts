/**
 * The hub's Lua is modules with explicit inputs and no shared globals (server/redis/scripts.ts):
 * read by a Lua parser (luaparse, which resolves every name to its local or to a global), every
 * script as Redis runs it assigns no global and reads only Lua's and Redis's own, and every module
 * defines one local table named after its file, nothing else at its top level, and reads only
 * Lua's own names, the prelude's and the tables of the modules it includes itself: never KEYS,
 * ARGV or a local of a file that includes it. Redis 7 refuses a global too, but only on a line
 * that runs (`EVAL "local function f() x = 1 end return 1" 0` passes); this reads every line.
 */
import fs from 'node:fs';
import path from 'node:path';
import luaparse, { type Chunk, type Node, type Statement } from 'luaparse';
import { describe, expect, it } from 'vitest';
import { assembleScript, LUA_FILES, LUA_PRELUDE, readLua, resolveIncludes } from '../../server/redis/scripts.ts';

/** The names Redis's Lua 5.1 sandbox gives every script (the base library and the loaded libraries). */
const LUA_NAMES = new Set([
  'redis',
  'cjson',
  'cmsgpack',
  'bit',
  'struct',
  'string',
  'math',
  'table',
  'assert',
  'error',
  'ipairs',
  'next',
  'pairs',
  'pcall',
  'rawequal',
  'rawget',
  'rawset',
  'select',
  'setmetatable',
  'getmetatable',
  'tonumber',
  'tostring',
  'type',
  'unpack',
  'xpcall',
]);
/** What a script receives from the caller; a module receives it as parameters instead. */
const SCRIPT_INPUTS = new Set(['KEYS', 'ARGV']);

/** With `scope`, luaparse marks each name local or not and lists the chunk's free names (not in its types). */
type ScopedChunk = Chunk & { globals: { name: string }[] };
const isLocalName = (n: Node) => (n as { isLocal?: boolean }).isLocal === true;
const parse = (text: string): ScopedChunk => luaparse.parse(text, { scope: true, luaVersion: '5.1', locations: true }) as ScopedChunk;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  const n = node as Node;
  if (typeof n.type === 'string') visit(n);
  for (const [k, v] of Object.entries(n)) if (k !== 'loc' && k !== 'range') walk(v, visit);
}

/** The globals a chunk assigns (`x = …`, `function x()`), with their lines. */
function globalsAssigned(chunk: Chunk): string[] {
  const out: string[] = [];
  walk(chunk, (n) => {
    if (n.type === 'AssignmentStatement') {
      for (const v of n.variables) if (v.type === 'Identifier' && !isLocalName(v)) out.push(`${v.name} (line ${v.loc!.start.line})`);
    } else if (n.type === 'FunctionDeclaration' && n.identifier?.type === 'Identifier' && !n.isLocal) {
      out.push(`${n.identifier.name} (line ${n.loc!.start.line})`);
    }
  });
  return out;
}

/** The names a chunk reads or writes without a local of that name in scope. */
const freeNames = (chunk: ScopedChunk): string[] => [...new Set(chunk.globals.map((g) => g.name))].sort();

const includedNames = (text: string) => [...text.matchAll(/^--#include ([\w-]+\.lua)$/gm)].map((m) => m[1]!);
/** The modules a file includes, and those they include. */
function includesOf(name: string, found = new Set<string>()): Set<string> {
  for (const m of includedNames(readLua(name)))
    if (!found.has(m)) {
      found.add(m);
      includesOf(m, found);
    }
  return found;
}
const MODULES = new Set([...LUA_FILES.keys()].flatMap((name) => includedNames(readLua(name))));
const SCRIPTS = [...LUA_FILES.keys()].filter((name) => !MODULES.has(name)).sort();
/** A module's table is named after its file: case-lifecycle.lua defines CaseLifecycle. */
const tableOf = (file: string) => file.replace(/\.lua$/, '').replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());

/** The prelude of a script: what the hub puts before the script's own text. */
function preludeOf(script: string): string {
  const assembled = assembleScript(script);
  const own = resolveIncludes(readLua(script), new Set([script]));
  expect(assembled.endsWith(own), `${script} as assembled ends with its own text`).toBe(true);
  return assembled.slice(0, assembled.length - own.length);
}
/** The names a prelude declares for every script and module (the time units, the counter fields …). */
function preludeNames(prelude: string): string[] {
  return parse(prelude).body.flatMap((s) => (s.type === 'LocalStatement' ? s.variables.map((v) => v.name) : []));
}

describe("the hub's Lua", () => {
  it('has a unique name for every file, and the scripts and modules it is made of', () => {
    const all = fs.readdirSync(path.resolve('server'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.lua'));
    expect(new Set(all.map((f) => path.basename(f))).size).toBe(all.length);
    expect(LUA_FILES.size).toBe(all.length);
    expect(SCRIPTS).toEqual(
      expect.arrayContaining([
        'append-events.lua',
        'aggregate-backlog.lua',
        'alert-apply-entries.lua',
        'alert-fire-timer.lua',
        'alert-run-ops.lua',
        'alert-act.lua',
      ]),
    );
    expect([...MODULES].sort()).toEqual(
      expect.arrayContaining(['aggregate-events.lua', 'case-lifecycle.lua', 'working-days.lua', 'alert-core.lua', 'alert-cases.lua']),
    );
    expect(LUA_PRELUDE).toMatch(/^local TIME = /);
  });

  it.each(SCRIPTS)("%s, as Redis runs it, assigns no global and reads only Lua's and Redis's own names", (script) => {
    const chunk = parse(assembleScript(script));
    expect(globalsAssigned(chunk)).toEqual([]);
    expect(freeNames(chunk).filter((n) => !LUA_NAMES.has(n) && !SCRIPT_INPUTS.has(n))).toEqual([]);
  });

  it.each([...MODULES].sort())('%s is one local table, reading only what it defines, includes or receives', (module) => {
    const own = readLua(module);
    // its own top level: `local <Table> = {}`, then only blocks and the table's fields
    const body = parse(own).body;
    const name = tableOf(module);
    const first = body[0]!;
    expect(first.type === 'LocalStatement' && first.variables.map((v) => v.name), `${module} starts with local ${name} = {}`).toEqual([name]);
    const leaks = body
      .slice(1)
      .filter(
        (s: Statement) =>
          !(
            s.type === 'DoStatement' ||
            (s.type === 'FunctionDeclaration' && s.identifier?.type === 'MemberExpression') ||
            (s.type === 'AssignmentStatement' && s.variables.every((v) => v.type === 'MemberExpression'))
          ),
      );
    expect(
      leaks.map((s) => `${s.type} (line ${s.loc!.start.line})`),
      `${module} declares nothing else at its top level`,
    ).toEqual([]);

    // what it reads: its own names, the modules it includes, and a prelude of a script using it
    const script = SCRIPTS.find((s) => includesOf(s).has(module))!;
    expect(script, `some script includes ${module}`).toBeDefined();
    const prelude = preludeOf(script);
    const chunk = parse(`${prelude}\n${resolveIncludes(own, new Set([module]))}`);
    expect(globalsAssigned(chunk)).toEqual([]);
    expect(
      freeNames(chunk).filter((n) => !LUA_NAMES.has(n)),
      `${module} reads no KEYS, ARGV or local of its includer`,
    ).toEqual([]);
    expect(preludeNames(prelude)).toContain('TIME');
  });
});
