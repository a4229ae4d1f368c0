/**
 * The realtime contract (docs/realtime.md) on Socket.IO namespace `/live`, shared by the hub and
 * the web: a subscriber gets a full snapshot with `seq`, then deltas with `seq + 1, + 2, …`.
 * A client that sees a gap, reconnects, or asks (`resync`) gets a fresh snapshot.
 */
import type { Scope } from './catalog.ts';
import type { ConfigChangedMessage } from './config-sections.ts';
import type { Snapshot } from './snapshot.ts';
import type { FleetCommand } from './fleet.ts';

export const LIVE_NAMESPACE = '/live';

/** One change: a path into the snapshot and its new value (objects new to the client and arrays come whole). */
export type Change = [path: string[], value: unknown];

/** `sentAt`: the hub's clock (epoch ms) when it sent the message; clients derive their lag from it. */
export interface SnapshotMessage {
  scope: Scope;
  seq: number;
  snapshot: Snapshot;
  sentAt?: number;
}
export interface DeltaMessage {
  scope: Scope;
  seq: number;
  changes: Change[];
  sentAt?: number;
}

/** `retryAfterMs`: the refusal is temporary (e.g. Redis unreachable); ask again after that long. */
export type Ack = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

export interface ServerToClientEvents {
  snapshot: (msg: SnapshotMessage) => void;
  delta: (msg: DeltaMessage) => void;
  /** A command for this screen (common/fleet.ts); the screen answers `screen:ack` before acting on it. */
  'screen:command': (cmd: FleetCommand) => void;
  /** A configuration section changed (docs/admin.md): a screen refetches what it shows of it (the hall its notices). */
  config: (msg: ConfigChangedMessage) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: { scope: Scope }, ack: (res: Ack) => void) => void;
  unsubscribe: (req: { scope: Scope }, ack: (res: Ack) => void) => void;
  resync: (req: { scope: Scope }, ack: (res: Ack) => void) => void;
  /** The screen's figures (`screenReportSchema`, common/fleet.ts), every 30 s and at each connect. */
  'screen:report': (report: unknown, ack: (res: Ack) => void) => void;
  /** The screen has a command in hand: `{id}`. */
  'screen:ack': (req: { id: string }, ack: (res: Ack) => void) => void;
}
