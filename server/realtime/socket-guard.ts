/**
 * Per-socket guard on incoming packets: only the events of the contract, at most `ratePerSec`
 * per second (token bucket). A refused packet gets an error ack; a socket that keeps flooding
 * (`maxRefused` refusals within `refusalWindowMs`) is disconnected.
 */
import type { Event } from 'socket.io';

export interface SocketGuardOptions {
  /** Allowed event names; anything else is refused. */
  events: ReadonlySet<string>;
  /** @default 20 */
  ratePerSec?: number;
  /** @default 40 */
  burst?: number;
  /** @default 50 */
  maxRefused?: number;
  /** @default 10000 */
  refusalWindowMs?: number;
  now: () => number;
}

export interface GuardedSocket {
  use(fn: (event: Event, next: (err?: Error) => void) => void): unknown;
  disconnect(close?: boolean): unknown;
}

export function guardSocket(socket: GuardedSocket, opts: SocketGuardOptions, onFlood: () => void): void {
  const rate = opts.ratePerSec ?? 20;
  const burst = opts.burst ?? 40;
  const maxRefused = opts.maxRefused ?? 50;
  const windowMs = opts.refusalWindowMs ?? 10_000;
  let tokens = burst;
  let last = opts.now();
  let refused = 0;
  let windowStart = last;

  socket.use((packet, next) => {
    const now = opts.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
    last = now;
    const [event] = packet;
    let error: string | null = null;
    if (typeof event !== 'string' || !opts.events.has(event)) error = `unknown event; /live accepts ${[...opts.events].join(', ')}`;
    else if (tokens < 1) error = `rate limited: at most ${rate} messages per second`;
    if (error === null) {
      tokens -= 1;
      next();
      return;
    }
    const ack = packet[packet.length - 1];
    if (typeof ack === 'function') (ack as (res: { ok: false; error: string }) => void)({ ok: false, error });
    if (now - windowStart > windowMs) {
      windowStart = now;
      refused = 0;
    }
    if (++refused >= maxRefused) {
      onFlood();
      socket.disconnect(true);
    }
  });
}
