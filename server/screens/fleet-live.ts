/**
 * The fleet on the `/live` socket (docs/screens.md#the-fleet): a screen's `screen:report` is
 * checked and stored, its socket joins the screen's room (so commands reach it from any hub
 * through the Socket.IO adapter), the commands queued while it was away are sent on its first
 * report, `screen:ack` marks a command delivered, and a clean disconnect makes it offline at once.
 *
 * Which id a report counts for: a socket with a screen token reports as the token's name, whatever
 * it says; any other socket (no screen tokens configured, or a signed-in user) as its `?screen=`.
 * A report without an id is refused: an unnamed screen cannot be told apart from the others.
 */
import type { Logger } from 'pino';
import { commandAckSchema, SCREEN_ID_PATTERN, screenReportSchema } from '../../common/fleet.ts';
import type { Ack } from '../../common/live.ts';
import type { LiveNamespace, LiveSocket } from '../realtime/live-namespace.ts';
import { FleetFull, type FleetStore } from './fleet-store.ts';

export const fleetRoomOf = (id: string): string => `fleet:${id}`;

/** A screen reports every 30 s; faster than this on one socket is dropped (tests report every second). */
const MIN_REPORT_GAP_MS = 900;

interface SocketFleetState {
  id: string | null;
  lastReportAt: number;
  reports: number;
}

export function serveFleet(live: LiveNamespace, store: FleetStore, log: Logger, now: () => number): void {
  live.on('connection', (socket: LiveSocket) => {
    const state: SocketFleetState = { id: null, lastReportAt: 0, reports: 0 };

    socket.on('screen:report', (raw: unknown, ack: unknown) => {
      const reply = replyOf(ack);
      const t = now();
      if (t - state.lastReportAt < MIN_REPORT_GAP_MS) return reply({ ok: false, error: 'reports come at most once a second' });
      const parsed = screenReportSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply({ ok: false, error: `bad report: ${issue.path.join('.') || 'report'}: ${issue.message}` });
      }
      const report = parsed.data;
      const principal = socket.data.principal;
      let id: string | undefined;
      let via: 'token' | 'param';
      if (principal.kind === 'screen') {
        id = principal.name;
        via = 'token';
      } else if (principal.kind === 'anonymous' || principal.kind === 'user') {
        id = report.id;
        via = 'param';
      } else return reply({ ok: false, error: 'only screens report' });
      if (id === undefined || !SCREEN_ID_PATTERN.test(id))
        return reply({ ok: false, error: 'no screen id: open the screen with ?screen=<id> or a screen token' });
      state.lastReportAt = t;
      const screenId = id;
      store.report(screenId, report.group, via, report, socket.id).then(
        async () => {
          if (socket.disconnected) return;
          if (state.id !== screenId) {
            if (state.id !== null) await socket.leave(fleetRoomOf(state.id));
            await socket.join(fleetRoomOf(screenId));
            state.id = screenId;
            state.reports = 0;
          }
          state.reports++;
          reply({ ok: true });
          // queued while it was away: sent once per connection (a screen that keeps an ack from us gets them again next time)
          if (state.reports === 1) for (const cmd of await store.pending(screenId)) socket.emit('screen:command', cmd);
        },
        (err: Error) => {
          log.warn({ screen: screenId, err: err.message }, 'fleet: could not store a screen report');
          reply(err instanceof FleetFull ? { ok: false, error: err.message } : { ok: false, error: 'report not stored (Redis); retry', retryAfterMs: 5000 });
        },
      );
    });

    socket.on('screen:ack', (raw: unknown, ack: unknown) => {
      const reply = replyOf(ack);
      const parsed = commandAckSchema.safeParse(raw);
      if (!parsed.success || state.id === null) return reply({ ok: false, error: 'expected {id} of a command, after a report' });
      store.delivered(state.id, parsed.data.id).then(
        () => reply({ ok: true }),
        (err: Error) => {
          log.warn({ screen: state.id, err: err.message }, 'fleet: could not mark a command delivered');
          reply({ ok: false, error: 'not recorded (Redis); retry', retryAfterMs: 1000 });
        },
      );
    });

    socket.on('disconnect', () => {
      if (state.id === null) return;
      store.disconnected(state.id, socket.id).catch((err: Error) => log.debug({ screen: state.id, err: err.message }, 'fleet: could not record a disconnect'));
    });
  });
}

/** Clients may omit the ack; a missing one must not throw inside the handler. */
function replyOf(ack: unknown): (res: Ack) => void {
  return typeof ack === 'function' ? (ack as (res: Ack) => void) : () => undefined;
}
