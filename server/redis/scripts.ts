/** The hub's Lua scripts, registered on a client as named commands (EVALSHA with EVAL fallback). */
import fs from 'node:fs';
import type { RedisClient } from './connect.ts';

const read = (rel: string) => fs.readFileSync(new URL(rel, import.meta.url), 'utf8');
const appendEventsLua = read('../ingest/append-events.lua');
/** Shared Lua functions, prepended to the scripts that use them (Redis scripts cannot import). */
export const workingDaysLua = read('./lua/working-days.lua');
const applyEventsLua = `${workingDaysLua}\n${read('../aggregate/apply-events.lua')}`;

export interface ScriptCommands {
  ygAppendEvents(stream: string, sourceSeen: string, alertStream: string, ...args: (string | number)[]): Promise<number[]>;
  /**
   * Reads the next entries of the stream for the group and applies them. Answers [applied,
   * failed stream ids (dead-lettered), scopes touched, the group's last delivered id].
   */
  ygApplyEvents(stream: string, deadLetters: string, ...args: (string | number)[]): Promise<[number, string[], string[], string]>;
}

export function withScripts(client: RedisClient): RedisClient & ScriptCommands {
  client.defineCommand('ygAppendEvents', { numberOfKeys: 3, lua: appendEventsLua });
  client.defineCommand('ygApplyEvents', { numberOfKeys: 2, lua: applyEventsLua });
  return client as RedisClient & ScriptCommands;
}
