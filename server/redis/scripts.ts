/** The hub's Lua scripts, registered on a client as named commands (EVALSHA with EVAL fallback). */
import fs from 'node:fs';
import type { RedisClient } from './connect.ts';

const read = (rel: string) => fs.readFileSync(new URL(rel, import.meta.url), 'utf8');
/** Shared Lua functions, prepended to the scripts that use them (Redis scripts cannot import). */
export const workingDaysLua = read('./lua/working-days.lua');
/** Applying records to the aggregates: included by the append and the aggregation scripts. */
const aggregateEventsLua = read('../aggregate/aggregate-events.lua');
const withAggregation = (script: string) => {
  const marker = '--#include aggregate-events.lua';
  if (!script.includes(marker)) throw new Error(`the script has no "${marker}" line`);
  return `${workingDaysLua}\n${script.replace(marker, () => aggregateEventsLua)}`;
};
const appendEventsLua = withAggregation(read('../ingest/append-events.lua'));
const applyEventsLua = withAggregation(read('../aggregate/apply-events.lua'));

export interface ScriptCommands {
  /**
   * De-duplicates and appends a batch; when `inline` and the aggregators' group had nothing left
   * to read, applies it too. Answers [a flag per event (1 taken, 0 repeat) or [-1] past the
   * deadline, the scopes touched when applied inline (else none), 1 when applied inline else 0,
   * the stream ids that could not be applied (moved to the dead-letter stream)].
   */
  ygAppendEvents(stream: string, sourceSeen: string, alertStream: string, deadLetters: string, ...args: (string | number)[]): Promise<[number[], string[], number, string[]]>;
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
