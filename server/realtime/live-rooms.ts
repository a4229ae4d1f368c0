/**
 * The rooms of one hub process: per scope, the latest snapshot, its `seq`, and a dirty mark.
 *
 * A batch applied anywhere marks the rooms of the scopes it touched; a fixed tick re-reads each
 * dirty room that has members once, diffs it against the room's snapshot and sends one delta
 * (`seq + 1`) when anything but `asOf` changed: a burst of 1,000 events becomes at most one delta
 * per room per tick. A slower refresh re-reads every room for the values that move with the
 * clock (open time of a window, open cases passing their deadline) and doubles as a heartbeat:
 * when a room sent nothing for `refreshMs`, the new `asOf` alone is sent. On a new day the room
 * sends a whole snapshot. Rooms without members are dropped after `idleDropMs`.
 */
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import { diffSnapshot } from '../../common/delta.ts';
import type { DeltaMessage, SnapshotMessage } from '../../common/live.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { dateOfDayIndex, dayIndexOf } from '../../common/time.ts';

export interface LiveRoomsOptions {
  read: (scope: Scope, now: number) => Promise<Snapshot>;
  /** Sockets of this process in the scope's room. */
  members: (scope: Scope) => number;
  sendSnapshot: (msg: SnapshotMessage) => void;
  sendDelta: (msg: DeltaMessage) => void;
  now: () => number;
  /** Re-read interval of a room that nothing marked (clock-driven values, heartbeat). */
  refreshMs: number;
  /** @default 30000 */
  idleDropMs?: number;
  log: Logger;
}

export interface Room {
  readonly scope: Scope;
  seq: number;
  snapshot: Snapshot;
}

interface RoomState {
  scope: Scope;
  seq: number;
  snapshot: Snapshot | null;
  loading: Promise<void> | null;
  dirty: boolean;
  lastReadAt: number;
  lastSentAt: number;
  emptySince: number | null;
}

export interface LiveRoomsStats {
  rooms: number;
  reads: number;
  deltas: number;
  snapshots: number;
  readErrors: number;
}

export class LiveRooms {
  private readonly rooms = new Map<Scope, RoomState>();
  private readonly idleDropMs: number;
  readonly stats: LiveRoomsStats = { rooms: 0, reads: 0, deltas: 0, snapshots: 0, readErrors: 0 };

  constructor(private readonly opts: LiveRoomsOptions) {
    this.idleDropMs = opts.idleDropMs ?? 30_000;
  }

  /** The room with its current snapshot; reads Redis only when this process has none yet. */
  async current(scope: Scope): Promise<Room> {
    let room = this.rooms.get(scope);
    if (!room) {
      room = { scope, seq: 0, snapshot: null, loading: null, dirty: false, lastReadAt: 0, lastSentAt: 0, emptySince: null };
      this.rooms.set(scope, room);
      this.stats.rooms = this.rooms.size;
    }
    if (room.snapshot === null) {
      const r = room;
      r.loading ??= this.load(r).finally(() => {
        r.loading = null;
      });
      await r.loading;
    }
    return room as Room;
  }

  /** Marks rooms whose numbers may have changed; unknown scopes are ignored (no room, nothing to send). */
  markDirty(scopes: Iterable<string>): void {
    for (const s of scopes) {
      const room = this.rooms.get(s as Scope);
      if (room) room.dirty = true;
    }
  }

  /** One pass over the rooms; the caller never runs two at once. */
  async tick(): Promise<void> {
    const now = this.opts.now();
    const today = dateOfDayIndex(dayIndexOf(now));
    const due: RoomState[] = [];
    for (const room of this.rooms.values()) {
      if (this.opts.members(room.scope) === 0) {
        if (room.loading) continue;
        room.emptySince ??= now;
        if (now - room.emptySince >= this.idleDropMs) this.rooms.delete(room.scope);
        continue;
      }
      room.emptySince = null;
      if (room.loading || room.snapshot === null) continue;
      if (room.dirty || now - room.lastReadAt >= this.opts.refreshMs || room.snapshot.date !== today) due.push(room);
    }
    this.stats.rooms = this.rooms.size;
    await Promise.all(due.map((room) => this.refresh(room, now)));
  }

  private async load(room: RoomState): Promise<void> {
    const now = this.opts.now();
    room.dirty = false;
    try {
      room.snapshot = await this.opts.read(room.scope, now);
      this.stats.reads++;
    } catch (err) {
      this.stats.readErrors++;
      if (this.rooms.get(room.scope) === room && room.snapshot === null) this.rooms.delete(room.scope);
      throw err;
    }
    room.lastReadAt = now;
    room.lastSentAt = now;
  }

  private async refresh(room: RoomState, now: number): Promise<void> {
    // Clear first: a mark that arrives while reading is kept for the next tick.
    room.dirty = false;
    room.lastReadAt = now;
    let next: Snapshot;
    try {
      next = await this.opts.read(room.scope, now);
      this.stats.reads++;
    } catch (err) {
      this.stats.readErrors++;
      room.dirty = true;
      this.opts.log.warn({ scope: room.scope, err: (err as Error).message }, 'live: snapshot read failed; retrying next tick');
      return;
    }
    const prev = room.snapshot!;
    const sentAt = this.opts.now();
    if (next.date !== prev.date) {
      // A new day: every counter starts again; a whole snapshot is simpler and smaller than the delta.
      room.seq++;
      room.snapshot = next;
      room.lastSentAt = sentAt;
      this.stats.snapshots++;
      this.opts.sendSnapshot({ scope: room.scope, seq: room.seq, snapshot: next, sentAt });
      return;
    }
    const changes = diffSnapshot(prev, next);
    const meaningful = changes.some(([path]) => !(path.length === 1 && path[0] === 'asOf'));
    const heartbeatDue = sentAt - room.lastSentAt >= this.opts.refreshMs;
    if (!meaningful && !(changes.length > 0 && heartbeatDue)) return;
    room.seq++;
    room.snapshot = next;
    room.lastSentAt = sentAt;
    this.stats.deltas++;
    this.opts.sendDelta({ scope: room.scope, seq: room.seq, changes, sentAt });
  }
}
