/**
 * A screen's voice settings: on or off, the volume, the engine. From the URL (`?voice=off`,
 * `?voice=on`, `?voice=clips`, `?voice=speech`, `?volume=0.6`), kept per screen in localStorage so
 * a wall keeps them when it reloads without the parameters; defaults: on, full volume, auto.
 */
import { readStored, writeStored } from '../util/local-store.ts';
import type { VoiceEngine } from './voice-announcer.ts';

export interface VoiceSettings {
  enabled: boolean;
  volume: number;
  engine: VoiceEngine;
}

const DEFAULTS: VoiceSettings = { enabled: true, volume: 1, engine: 'auto' };

function fromUrl(params: URLSearchParams): Partial<VoiceSettings> {
  const out: Partial<VoiceSettings> = {};
  const voice = params.get('voice');
  if (voice === 'off' || voice === '0') out.enabled = false;
  else if (voice === 'on' || voice === '1' || voice === 'auto') Object.assign(out, { enabled: true, engine: 'auto' });
  else if (voice === 'clips' || voice === 'speech') Object.assign(out, { enabled: true, engine: voice });
  const volume = Number(params.get('volume'));
  if (params.has('volume') && Number.isFinite(volume)) out.volume = Math.min(1, Math.max(0, volume));
  return out;
}

function valid(stored: unknown): Partial<VoiceSettings> {
  if (typeof stored !== 'object' || stored === null) return {};
  const s = stored as Record<string, unknown>;
  const out: Partial<VoiceSettings> = {};
  if (typeof s.enabled === 'boolean') out.enabled = s.enabled;
  if (typeof s.volume === 'number' && s.volume >= 0 && s.volume <= 1) out.volume = s.volume;
  if (s.engine === 'auto' || s.engine === 'clips' || s.engine === 'speech') out.engine = s.engine;
  return out;
}

/** The settings of the screen stored under `key`, updated (and stored) from the URL's parameters. */
export function voiceSettings(params: URLSearchParams, key: string): VoiceSettings {
  const storageKey = `yg:voice:${key}`;
  const fromParams = fromUrl(params);
  const settings = { ...DEFAULTS, ...valid(readStored(storageKey)), ...fromParams };
  if (Object.keys(fromParams).length > 0) writeStored(storageKey, settings);
  return settings;
}
