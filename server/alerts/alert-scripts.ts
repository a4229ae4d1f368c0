/**
 * The alert engine's Lua scripts (lua/alert-*.lua, with the modules they include: alert-core.lua,
 * and for the events alert-ops.lua, alert-cases.lua and the case lifecycle shared with the
 * aggregation), registered on a client as named commands. Every script returns JSON (see ScriptResult).
 */
import type { Alert, AlertChange } from '../../common/alerts.ts';
import type { RedisClient } from '../redis/connect.ts';
import { assembleScript } from '../redis/scripts.ts';

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
  ygAlertRelease(...args: (string | number)[]): Promise<number>;
}

export type AlertRedis = RedisClient & AlertScriptCommands;

export function withAlertScripts(client: RedisClient): AlertRedis {
  client.defineCommand('ygAlertApply', { numberOfKeys: 1, lua: assembleScript('alert-apply-entries.lua') });
  client.defineCommand('ygAlertFire', { numberOfKeys: 0, lua: assembleScript('alert-fire-timer.lua') });
  client.defineCommand('ygAlertOps', { numberOfKeys: 0, lua: assembleScript('alert-run-ops.lua') });
  client.defineCommand('ygAlertTransition', { numberOfKeys: 0, lua: assembleScript('alert-act.lua') });
  client.defineCommand('ygAlertRelease', { numberOfKeys: 0, lua: assembleScript('alert-release-held.lua') });
  return client as AlertRedis;
}

export function parseScriptResult(json: string): ScriptResult {
  return JSON.parse(json) as ScriptResult;
}
