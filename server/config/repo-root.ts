/**
 * The repository root: the nearest folder above this module that holds a package.json. The same
 * answer whether the hub runs from its sources (server/config/, under tsx) or from the production
 * build (dist/server/config/, `npm run build`), so defaults kept in the repository (config/,
 * dist/web) resolve from either. Paths a deployment chooses come from the environment, relative to
 * the working directory (server/config/env.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
