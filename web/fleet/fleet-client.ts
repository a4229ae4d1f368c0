/**
 * A screen's part in the fleet (docs/screens.md#the-fleet): it reports over its live socket at
 * each connect and every 30 s, carries out the commands an admin sends (reload, navigate,
 * identify), and watches itself (watchdog.ts). Started by createScreenApp for every screen that
 * has a name: a screen token (the hub names it after the token) or `?screen=<id>`.
 *
 * URL parameters: `screen` (its id without a token), `group` (its group on the fleet board;
 * default: the id up to its last `-`), `reportEvery` (seconds, default 30, at least 1),
 * `maxHeapMB` and `stallReload` (seconds) for the watchdog.
 */
import { FLEET_REPORT_EVERY_MS, SCREEN_ID_PATTERN, type FleetCommand, type ScreenReport } from '../../common/fleet.ts';
import type { LiveClient } from '../live/index.ts';
import { showIdentify } from './identify-overlay.ts';
import { navigateTarget } from './navigate-target.ts';
import { buildOf, canvasOf, heapOf, pageOf, sampleFps } from './screen-figures.ts';
import { createWatchdog } from './watchdog.ts';

/** Command ids carried out, kept across a reload so a command delivered twice runs once. */
const DONE_KEY = 'yg-fleet-done';
const DONE_KEEP = 50;

const validId = (v: string | null) => (v !== null && SCREEN_ID_PATTERN.test(v) ? v : undefined);

function numberParam(params: URLSearchParams, name: string, min: number): number | null {
  const raw = params.get(name);
  if (raw === null || !/^\d+(\.\d+)?$/.test(raw)) return null;
  return Math.max(min, Number(raw));
}

function doneIds(): string[] {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(DONE_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
function markDone(id: string): void {
  try {
    sessionStorage.setItem(DONE_KEY, JSON.stringify([...doneIds(), id].slice(-DONE_KEEP)));
  } catch {
    // storage off: a repeated command may run twice, which is harmless
  }
}

export function startFleetClient(live: LiveClient, params: URLSearchParams): () => void {
  const id = validId(params.get('screen'));
  const group = validId(params.get('group'));
  if (id === undefined && !params.get('token')) return () => undefined;

  const everyMs = (numberParam(params, 'reportEvery', 1) ?? FLEET_REPORT_EVERY_MS / 1000) * 1000;
  // the frame sample fits in the interval: 2 s normally, less when tests report every second
  const sampleMs = Math.min(2000, everyMs / 2);
  const startedAt = performance.now();
  let fps: number | null = null;
  let stopped = false;
  let connectedSince: number | null = null;

  const figures = (): ScreenReport => {
    const status = live.status();
    return {
      ...(id !== undefined ? { id } : {}),
      ...(group !== undefined ? { group } : {}),
      page: pageOf(),
      scopes: live.fleet.scopes(),
      canvas: canvasOf(),
      viewport: { w: window.innerWidth, h: window.innerHeight },
      build: buildOf(),
      uptimeS: Math.round((performance.now() - startedAt) / 1000),
      ...heapOf(),
      fps,
      // an age between two instants of this PC's clock (lastMessageAt is the live client's): no hub offset in it
      lastUpdateAgeS: status.lastMessageAt === null ? null : Math.max(0, Math.round((Date.now() - status.lastMessageAt) / 100) / 10),
      reconnects: status.reconnects,
    };
  };

  const watchdog = createWatchdog({
    maxHeapMB: numberParam(params, 'maxHeapMB', 16),
    stallMs: (numberParam(params, 'stallReload', 30) ?? 300) * 1000,
  });

  const report = async () => {
    const r = figures();
    await live.fleet.report(r);
    watchdog.check(r, { connected: live.status().connected, connectedSince, lastMessageAt: live.status().lastMessageAt, subscribed: r.scopes.length > 0 });
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  const cycle = async () => {
    if (stopped) return;
    fps = await sampleFps(sampleMs);
    if (stopped) return;
    await report();
    if (!stopped) timer = setTimeout(() => void cycle(), Math.max(0, everyMs - sampleMs));
  };
  timer = setTimeout(() => void cycle(), Math.max(0, everyMs - sampleMs));

  // at once on each (re)connect: the board sees the screen come back, and commands queued meanwhile come
  const offStatus = live.onStatus((s) => {
    if (s.connected && connectedSince === null) {
      connectedSince = Date.now();
      void report();
    } else if (!s.connected) connectedSince = null;
  });
  if (live.status().connected) {
    connectedSince = Date.now();
    void report();
  }

  const act = async (cmd: FleetCommand) => {
    if (doneIds().includes(cmd.id)) {
      void live.fleet.ack(cmd.id);
      return;
    }
    markDone(cmd.id);
    // acknowledged before acting: a reload would otherwise cut the ack off
    await live.fleet.ack(cmd.id);
    switch (cmd.command) {
      case 'reload':
        location.reload();
        return;
      case 'navigate': {
        const target = cmd.path ? navigateTarget(cmd.path, new URL(location.href)) : null;
        if (target) location.assign(target.href);
        return;
      }
      case 'identify':
        showIdentify(cmd.screen);
        return;
    }
  };
  const offCommand = live.fleet.onCommand((cmd) => void act(cmd));

  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    offStatus();
    offCommand();
  };
}
