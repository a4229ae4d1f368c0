/**
 * The hub's Lua: scripts assembled from modules, and registered on a client as named commands
 * (EVALSHA with EVAL fallback; why not Redis Functions: docs/architecture.md, "Lua").
 *
 * A *script* is a file Redis runs (`append-events.lua`, `aggregate-backlog.lua`, the alert engine's
 * `alert-*.lua` scripts, `login-*.lua`). A *module* is a file that a script, or another module,
 * names on a line `--#include <file>.lua`: it defines one local table named after it and nothing
 * else at its top level, its functions take what they need as parameters, and it uses only Lua's and
 * Redis's own names, the prelude's and the tables of the modules it includes itself
 * (test/hub/lua-modules.test.ts checks every script as assembled and every module on its own).
 * Every Lua file name under server/ is unique (checked here), so a name finds its file. A module is
 * included once per script: a later line naming it again adds nothing (the first put it in scope).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../common/time.ts';
import type { RedisClient } from './connect.ts';
import { counterFieldsLua } from './counter-fields.ts';

const serverDir = fileURLToPath(new URL('../', import.meta.url));

/** Every Lua file of the hub, by its name (unique across server/), to its path. */
export const LUA_FILES: ReadonlyMap<string, string> = (() => {
  const files = new Map<string, string>();
  for (const rel of fs.readdirSync(serverDir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!rel.endsWith('.lua')) continue;
    const name = path.basename(rel);
    const known = files.get(name);
    if (known)
      throw new Error(`two Lua files are named ${name} (${path.relative(serverDir, known)}, ${rel}): every Lua file name under server/ must be unique`);
    files.set(name, path.join(serverDir, rel));
  }
  return files;
})();

export function readLua(name: string): string {
  const file = LUA_FILES.get(name);
  if (!file) throw new Error(`no Lua file named ${name} under server/`);
  return fs.readFileSync(file, 'utf8');
}

/**
 * What every script receives from TypeScript before its own text, one definition each: the units
 * of time of common/time.ts (the scripts' day indexes and expiries are counted in Asia/Shanghai);
 * the counter fields `C` and the counting's definitions `COUNTING` of server/redis/counter-fields.ts.
 */
export const LUA_PRELUDE = `local TIME = { DAY_MS = ${DAY_MS}, DAY_S = ${DAY_MS / 1000}, SHANGHAI_OFFSET_MS = ${SHANGHAI_OFFSET_MS} }\n${counterFieldsLua()}`;

const includeLine = /^--#include ([\w-]+\.lua)$/gm;
/** A file's text with its `--#include` lines replaced by the modules they name (each once). */
export function resolveIncludes(text: string, included: Set<string>): string {
  return text.replace(includeLine, (_line, name: string) => {
    if (included.has(name)) return `-- ${name}: included above`;
    included.add(name);
    return resolveIncludes(readLua(name), included);
  });
}

const assembled = new Map<string, string>();
/** A script as Redis runs it: the prelude, then the script with its modules. */
export function assembleScript(name: string): string {
  let text = assembled.get(name);
  if (text === undefined) assembled.set(name, (text = `${LUA_PRELUDE}\n${resolveIncludes(readLua(name), new Set([name]))}`));
  return text;
}

const appendEventsLua = assembleScript('append-events.lua');
const aggregateBacklogLua = assembleScript('aggregate-backlog.lua');

export interface ScriptCommands {
  /**
   * De-duplicates, checks and appends a batch; when `inline` and the aggregators' group had nothing
   * left to read, applies it too, all computed before the first write. Answers [a flag per event
   * (1 taken, 0 repeat, 2 refused) or [-1] past the deadline, the scopes touched when applied
   * inline (else none), 1 when applied inline else 0, the refusals as flat quadruples: 1-based
   * position in the batch, field, message, and the script's error for a fault ('' for a refusal)].
   */
  ygAppendEvents(
    stream: string,
    sourceSeen: string,
    alertStream: string,
    deadLetters: string,
    ...args: (string | number)[]
  ): Promise<[number[], string[], number, (string | number)[]]>;
  /**
   * Reads the next entries of the stream for the group and applies them. Answers [applied,
   * failed stream ids (dead-lettered), scopes touched, event types applied (once each)].
   */
  ygApplyEvents(stream: string, deadLetters: string, ...args: (string | number)[]): Promise<[number, string[], string[], string[]]>;
}

export function withScripts(client: RedisClient): RedisClient & ScriptCommands {
  client.defineCommand('ygAppendEvents', { numberOfKeys: 4, lua: appendEventsLua });
  client.defineCommand('ygApplyEvents', { numberOfKeys: 2, lua: aggregateBacklogLua });
  return client as RedisClient & ScriptCommands;
}
