/**
 * The alert engine's Lua scripts, each prefixed with the shared functions of lua/alert-lib.lua,
 * registered on a client as named commands. Every script returns JSON (see ScriptResult).
 */
import fs from 'node:fs';
import type { Alert, AlertChange } from '../../common/alerts.ts';
import type { RedisClient } from '../redis/connect.ts';
import { workingDaysLua } from '../redis/scripts.ts';

const read = (name: string) => fs.readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8');
const lib = read('alert-lib.lua');
const withLib = (name: string) => `${workingDaysLua}\n${lib}\n${read(name)}`;

/** What the scripts did: alerts to push to the consoles, plus per-script fields. */
export interface ScriptResult {
  messages?: { alert: Alert; change: AlertChange }[];
  applied?: number;
  fired?: number;
  status?: 'ok' | 'missing' | 'conflict';
  reason?: string;
  alert?: Alert;
}

export interface AlertScriptCommands {
  ygAlertApply(stream: string, ...args: (string | number)[]): Promise<string>;
  ygAlertFire(...args: (string | number)[]): Promise<string>;
  ygAlertOps(...args: (string | number)[]): Promise<string>;
  ygAlertTransition(...args: (string | number)[]): Promise<string>;
}

export type AlertRedis = RedisClient & AlertScriptCommands;

export function withAlertScripts(client: RedisClient): AlertRedis {
  client.defineCommand('ygAlertApply', { numberOfKeys: 1, lua: withLib('apply-events.lua') });
  client.defineCommand('ygAlertFire', { numberOfKeys: 0, lua: withLib('fire-timer.lua') });
  client.defineCommand('ygAlertOps', { numberOfKeys: 0, lua: withLib('run-ops.lua') });
  client.defineCommand('ygAlertTransition', { numberOfKeys: 0, lua: withLib('transition.lua') });
  return client as AlertRedis;
}

export function parseScriptResult(json: string): ScriptResult {
  return JSON.parse(json) as ScriptResult;
}
