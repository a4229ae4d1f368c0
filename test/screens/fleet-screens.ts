/**
 * What the fleet tests share (docs/screens.md#the-fleet): a `screen:report` as a screen sends it,
 * and a screen on a raw socket that has reported and acknowledges the commands it gets.
 */
import { expect } from 'vitest';
import type { FleetCommand, ScreenReport } from '../../common/fleet.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { rawSocket, type RawLiveSocket } from '../realtime/live-helpers.ts';

/**
 * A valid report of a hall at 1920x1080 that has measured nothing yet (no heap, frame rate or data
 * age), with no id: `fields` name the screen and set what a test looks at.
 */
export function screenReport(fields: Partial<ScreenReport> = {}): ScreenReport {
  return {
    page: '/screens/hall',
    scopes: [],
    canvas: null,
    viewport: { w: 1920, h: 1080 },
    build: 'hall-test',
    uptimeS: 1,
    heapMB: null,
    heapLimitMB: null,
    fps: null,
    lastUpdateAgeS: null,
    reconnects: 0,
    ...fields,
  };
}

export interface ReportingScreen {
  socket: RawLiveSocket;
  /** The commands it got, in order. */
  received: FleetCommand[];
  close: () => void;
}

/**
 * A screen connected to the hub at `url` (with a screen token when given) that has sent `report`
 * and had it taken; as web/fleet/fleet-client.ts does, it acknowledges each command before acting on it.
 */
export async function reportingScreen(url: string, report: ScreenReport, token?: string): Promise<ReportingScreen> {
  const socket = rawSocket(url, token);
  const received: FleetCommand[] = [];
  socket.on('screen:command', (cmd) => {
    received.push(cmd);
    socket.emit('screen:ack', { id: cmd.id }, () => undefined);
  });
  await waitFor('the screen connected', () => socket.connected);
  expect(await socket.timeout(5000).emitWithAck('screen:report', report)).toEqual({ ok: true });
  return { socket, received, close: () => socket.close() };
}
