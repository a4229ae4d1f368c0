/**
 * The hub's node flags are defined once, in package.json's start script (scripts/hub-node-flags.ts);
 * the demo and the benchmarks read them from there. A flag node does not know would stop the hub
 * from starting in production, so each is given to a real node here.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hubNodeFlags } from '../../scripts/hub-node-flags.ts';

function packageWithStart(start: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-flags-'));
  const file = path.join(dir, 'package.json');
  fs.writeFileSync(file, JSON.stringify({ scripts: { start } }));
  return file;
}

describe('the hub node flags', () => {
  it('are the start script flags, and node starts with them', () => {
    const flags = hubNodeFlags();
    for (const f of flags) expect(f).toMatch(/^--[\w-]+(=\S+)?$/);
    // the young generation the ingest path needs (docs/performance.md, session 11)
    expect(flags).toContain('--max-semi-space-size=64');
    // node refuses a flag it does not know ("bad option") and exits before running anything
    const out = execFileSync(process.execPath, [...flags, '-e', 'process.stdout.write(process.execArgv.join(" "))'], { encoding: 'utf8' });
    for (const f of flags) expect(out.split(' ')).toContain(f);
  });

  it('are read from whatever flags the start script gives, and none is none', () => {
    expect(hubNodeFlags(packageWithStart('node scripts/build.mjs && exec node --a=1 --b dist/server/main.js'))).toEqual(['--a=1', '--b']);
    expect(hubNodeFlags(packageWithStart('exec node dist/server/main.js'))).toEqual([]);
  });

  it('say which file to fix when the start script no longer runs the hub', () => {
    const file = packageWithStart('node server.js');
    expect(() => hubNodeFlags(file)).toThrow(file);
  });
});
