/** The hub's Lua scripts, registered on a client as named commands (EVALSHA with EVAL fallback). */
import fs from 'node:fs';
import type { RedisClient } from './connect.ts';

const read = (rel: string) => fs.readFileSync(new URL(rel, import.meta.url), 'utf8');
/** Shared Lua functions, prepended to the scripts that use them (Redis scripts cannot import). */
export const workingDaysLua = read('./lua/working-days.lua');
/**
 * Applying records to the aggregates (server/aggregate/aggregate-events.lua and the files it names):
 * included by the append and the aggregation scripts. A line `--#include <file>.lua` is replaced by
 * that file of server/aggregate/, itself resolved the same way; each file is included once.
 */
const includeLine = /^--#include ([\w-]+\.lua)$/gm;
function resolveIncludes(script: string, included: Set<string>): string {
  return script.replace(includeLine, (_line, name: string) => {
    if (included.has(name)) throw new Error(`${name} is included twice`);
    included.add(name);
    return resolveIncludes(read(`../aggregate/${name}`), included);
  });
}
const withAggregation = (script: string) => {
  const marker = '--#include aggregate-events.lua';
  if (!script.includes(marker)) throw new Error(`the script has no "${marker}" line`);
  return `${workingDaysLua}\n${resolveIncludes(script, new Set())}`;
};
const appendEventsLua = withAggregation(read('../ingest/append-events.lua'));
const applyEventsLua = withAggregation(read('../aggregate/apply-events.lua'));

export interface ScriptCommands {
  /**
   * De-duplicates, checks and appends a batch; when `inline` and the aggregators' group had nothing
   * left to read, applies it too, all computed before the first write. Answers [a flag per event
   * (1 taken, 0 repeat, 2 refused) or [-1] past the deadline, the scopes touched when applied
   * inline (else none), 1 when applied inline else 0, the refusals as flat quadruples: 1-based
   * position in the batch, field, message, and the script's error for a fault ('' for a refusal)].
   */
  ygAppendEvents(stream: string, sourceSeen: string, alertStream: string, deadLetters: string, ...args: (string | number)[]): Promise<[number[], string[], number, (string | number)[]]>;
  /**
   * Reads the next entries of the stream for the group and applies them. Answers [applied,
   * failed stream ids (dead-lettered), scopes touched].
   */
  ygApplyEvents(stream: string, deadLetters: string, ...args: (string | number)[]): Promise<[number, string[], string[]]>;
}

export function withScripts(client: RedisClient): RedisClient & ScriptCommands {
  client.defineCommand('ygAppendEvents', { numberOfKeys: 4, lua: appendEventsLua });
  client.defineCommand('ygApplyEvents', { numberOfKeys: 2, lua: applyEventsLua });
  return client as RedisClient & ScriptCommands;
}
