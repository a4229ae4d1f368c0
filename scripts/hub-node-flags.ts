/**
 * The node flags the hub runs with: those of package.json's start script
 * (`node [flags] dist/server/main.js`), their one definition. The demo and the benchmarks start
 * their hubs with the same flags, so what they show is what production runs (docs/deploy.md
 * gives them to a systemd unit too).
 */
import fs from 'node:fs';

export function hubNodeFlags(packageJsonPath = 'package.json'): string[] {
  const start = (JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/server\/main\.js/.exec(start);
  if (!flags) throw new Error(`${packageJsonPath}: the start script no longer runs \`node [flags] dist/server/main.js\`; update scripts/hub-node-flags.ts`);
  return flags[1]!.split(' ').filter(Boolean);
}
