/**
 * The rooms of one hub process: per scope, the latest snapshot, its `seq`, and a dirty mark.
 *
 * A batch applied anywhere marks the rooms of the scopes it touched, and each room decides when
 * to read itself again (its flush): a room that sent no delta for a whole `tickMs` flushes at
 * once (leading edge, on the next macrotask, together with the other rooms of the same batch);
 * a busy room merges what comes in until `tickMs` after its last flush (trailing edge), so a
 * burst of 1,000 events becomes at most one delta per room per tick. A batch that holds a call
 * (`ticket.called`: the number a window's LED and the hall show, and people in the hall wait
 * for) flushes a busy room at once too, from a small budget per room (`CALL_BURST` calls at
 * once, one more every `callRefillMs`): the hall's center room is kept busy all day by portal
 * hits, and a call must not wait for their tick. A flush reads the room once, diffs it against
 * the room's snapshot and sends one delta (`seq + 1`) when anything but `asOf` changed.
 *
 * A slower refresh re-reads every room for the values that move with the clock (open time of a
 * window, open cases passing their deadline) and doubles as a heartbeat: when a room sent nothing
 * for `refreshMs`, the new `asOf` alone is sent. On a new day the room sends a whole snapshot.
 * Rooms without members are dropped after `idleDropMs`. One read per room at a time: a mark that
 * arrives during a read is flushed after it, on the same rules; except a call's, whose read goes
 * out at once right behind the one in flight (that one may have missed it).
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
  /** The hub's clock: dates, `asOf`, `sentAt`, the refresh (tests move it). */
  now: () => number;
  /** A busy room sends at most one delta per this interval (`LIVE_TICK_MS`). */
  tickMs: number;
  /** Re-read interval of a room that nothing marked (clock-driven values, heartbeat). */
  refreshMs: number;
  /** A busy room gets one more call flushed at once per this interval (at most `CALL_BURST` saved). @default 2 × tickMs */
  callRefillMs?: number;
  /** @default 30000 */
  idleDropMs?: number;
  /** Real elapsed time for the flush timing, whatever the hub's clock says. @default performance.now */
  elapsed?: () => number;
  /** Told the parts of each flush that sent a call (the hub's share of a call's way to the walls: `/metrics`). */
  onCallFlush?: (timing: CallFlushTiming) => void;
  log: Logger;
}

/**
 * Where the hub's share of a call's latency went (ms, real elapsed time): from the first mark of
 * the batch with the call to the start of the room's read (the macrotask, a read of the room
 * already in flight, or the tick of a busy room without call budget), the read (one pipelined
 * Redis round trip), and the diff, encoding and writes to every socket of the room.
 */
export interface CallFlushTiming {
  scope: Scope;
  when: 'quiet' | 'call' | 'merged';
  waitMs: number;
  readMs: number;
  sendMs: number;
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
  /** Marked since the last read started. */
  dirty: boolean;
  /** One of the marks since then was a batch with a call. */
  call: boolean;
  /** Elapsed time of the first call mark since the last read started (the call's wait starts there), or null. */
  callMarkedAt: number | null;
  /** Reads of this room in flight (a flush or a refresh; a call's flush may overlap one). */
  reading: number;
  /** Numbers of the last read started and of the last one whose result the room took: an older result is never taken after a newer one. */
  readsStarted: number;
  readTaken: number;
  /** The flush planned for this room (elapsed time), or null, and why it comes then. */
  dueAt: number | null;
  dueFor: 'quiet' | 'call' | 'merged';
  timer: ReturnType<typeof setTimeout> | null;
  /** Elapsed time at the start of the last flush that sent something (or failed): the merge window starts there. */
  lastFlushAt: number;
  /** The room's budget of calls flushed at once while busy, as of `callTokensAt` (elapsed time). */
  callTokens: number;
  callTokensAt: number;
  /** The hub's clock at the last read, and at the last message sent (refresh, heartbeat). */
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
  /** Flushes of a room that had been quiet for a tick: sent at once. */
  leadingFlushes: number;
  /** Flushes of a busy room that a call sent at once. */
  callFlushes: number;
  /** Flushes of a busy room at the end of its tick: what came in meanwhile, merged. */
  mergedFlushes: number;
}

/** Calls a busy room may flush at once in a row (a few windows calling together). */
export const CALL_BURST = 4;

export class LiveRooms {
  private readonly rooms = new Map<Scope, RoomState>();
  private readonly idleDropMs: number;
  private readonly callRefillMs: number;
  private readonly elapsed: () => number;
  /** Rooms due on the next macrotask: every room a batch marked goes out in the same pass. */
  private readonly dueNow = new Set<RoomState>();
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private readonly flushing = new Set<Promise<void>>();
  private closed = false;
  readonly stats: LiveRoomsStats = { rooms: 0, reads: 0, deltas: 0, snapshots: 0, readErrors: 0, leadingFlushes: 0, callFlushes: 0, mergedFlushes: 0 };

  constructor(private readonly opts: LiveRoomsOptions) {
    this.idleDropMs = opts.idleDropMs ?? 30_000;
    this.callRefillMs = opts.callRefillMs ?? 2 * opts.tickMs;
    this.elapsed = opts.elapsed ?? (() => performance.now());
  }

  /** The room with its current snapshot; reads Redis only when this process has none yet. */
  async current(scope: Scope): Promise<Room> {
    let room = this.rooms.get(scope);
    if (!room) {
      room = {
        scope,
        seq: 0,
        snapshot: null,
        loading: null,
        dirty: false,
        call: false,
        callMarkedAt: null,
        reading: 0,
        readsStarted: 0,
        readTaken: 0,
        dueAt: null,
        dueFor: 'quiet',
        timer: null,
        lastFlushAt: -Infinity,
        callTokens: CALL_BURST,
        callTokensAt: 0,
        lastReadAt: 0,
        lastSentAt: 0,
        emptySince: null,
      };
      this.rooms.set(scope, room);
      this.stats.rooms = this.rooms.size;
    }
    if (room.snapshot === null) {
      const r = room;
      r.loading ??= this.load(r).finally(() => {
        r.loading = null;
        // marks that came while loading are newer than nothing the room has sent yet
        if (r.dirty && this.rooms.get(r.scope) === r) this.plan(r);
      });
      await r.loading;
    }
    return room as Room;
  }

  /**
   * Marks the rooms of one batch's scopes (unknown scopes are ignored: no room, nothing to send)
   * and plans their flush; `call`: the batch held a call.
   */
  markDirty(scopes: Iterable<string>, call = false): void {
    for (const s of scopes) {
      const room = this.rooms.get(s as Scope);
      if (!room) continue;
      room.dirty = true;
      if (call) {
        room.call = true;
        room.callMarkedAt ??= this.elapsed();
      }
      this.plan(room);
    }
  }

  /**
   * Housekeeping, every tick of the caller's loop: the refresh and heartbeat, a new day, rooms
   * left without members, and any marked room whose flush is not planned (it had no members when
   * it came due). The caller never runs two at once.
   */
  async tick(): Promise<void> {
    const now = this.opts.now();
    const today = dateOfDayIndex(dayIndexOf(now));
    const due: RoomState[] = [];
    for (const room of this.rooms.values()) {
      if (this.opts.members(room.scope) === 0) {
        if (room.loading) continue;
        room.emptySince ??= now;
        if (now - room.emptySince >= this.idleDropMs) this.drop(room);
        continue;
      }
      room.emptySince = null;
      if (room.loading || room.snapshot === null || room.reading > 0) continue;
      if (room.dirty) {
        if (room.dueAt === null) this.plan(room);
      } else if (now - room.lastReadAt >= this.opts.refreshMs || room.snapshot.date !== today) due.push(room);
    }
    this.stats.rooms = this.rooms.size;
    await Promise.all(
      due.map(async (room) => {
        await this.read(room, now);
        if (room.dirty) this.plan(room);
      }),
    );
  }

  /** Stops planning flushes and waits for those in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
    this.dueNow.clear();
    for (const room of this.rooms.values()) this.unplan(room);
    await Promise.all([...this.flushing]);
  }

  /**
   * When a marked room flushes: at once after a quiet tick (or for a call, while the budget lasts),
   * else at the end of its tick. One read at a time, but a call does not wait for a read already
   * in flight (which may have been sent before the call was written): its read goes out at once,
   * on the same connection right behind the other, so Redis answers them in order (at most these
   * two; a mark during both waits for them).
   */
  private plan(room: RoomState): void {
    if (this.closed || room.loading || room.snapshot === null) return;
    const t = this.elapsed();
    const callAtOnce = room.call && this.callTokens(room, t) >= 1;
    if (room.reading > 0 && !(callAtOnce && room.reading === 1)) return;
    const mergeEnds = room.lastFlushAt + this.opts.tickMs;
    const dueFor = room.reading > 0 ? 'call' : t >= mergeEnds ? 'quiet' : callAtOnce ? 'call' : 'merged';
    const at = dueFor === 'merged' ? mergeEnds : t;
    if (room.dueAt !== null && room.dueAt <= at) return;
    this.unplan(room);
    room.dueAt = at;
    room.dueFor = dueFor;
    if (at <= t) {
      this.dueNow.add(room);
      this.immediate ??= setImmediate(() => this.flushDue());
    } else {
      room.timer = setTimeout(() => {
        room.timer = null;
        this.startFlush(room);
      }, at - t);
    }
  }

  private callTokens(room: RoomState, t: number): number {
    return Math.min(CALL_BURST, room.callTokens + (t - room.callTokensAt) / this.callRefillMs);
  }

  private unplan(room: RoomState): void {
    if (room.timer) clearTimeout(room.timer);
    room.timer = null;
    room.dueAt = null;
    this.dueNow.delete(room);
  }

  private drop(room: RoomState): void {
    this.unplan(room);
    this.rooms.delete(room.scope);
  }

  private flushDue(): void {
    this.immediate = null;
    const rooms = [...this.dueNow];
    this.dueNow.clear();
    for (const room of rooms) this.startFlush(room);
  }

  private startFlush(room: RoomState): void {
    const done = this.flush(room)
      .catch((err: Error) => this.opts.log.error({ scope: room.scope, err: err.message }, 'live: flush failed'))
      .finally(() => this.flushing.delete(done));
    this.flushing.add(done);
  }

  private async flush(room: RoomState): Promise<void> {
    room.dueAt = null;
    if (this.closed || (room.reading > 0 && !(room.dueFor === 'call' && room.reading === 1)) || this.rooms.get(room.scope) !== room) return;
    // nobody to send to: stays marked; the housekeeping plans it again when a member comes
    if (this.opts.members(room.scope) === 0) return;
    const started = this.elapsed();
    const dueFor = room.dueFor;
    const outcome = await this.read(room, this.opts.now(), dueFor);
    // A flush that sent something (or failed: no retry before the tick) opens the merge window;
    // one that found nothing new (a mark heard twice) leaves the room quiet.
    if (outcome !== 'unchanged') {
      room.lastFlushAt = started;
      if (dueFor === 'quiet') this.stats.leadingFlushes++;
      else if (dueFor === 'merged') this.stats.mergedFlushes++;
      else {
        room.callTokens = this.callTokens(room, started) - 1;
        room.callTokensAt = started;
        this.stats.callFlushes++;
      }
    }
    if (room.dirty) this.plan(room);
  }

  private async load(room: RoomState): Promise<void> {
    const now = this.opts.now();
    room.dirty = false;
    room.call = false;
    room.callMarkedAt = null;
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

  /**
   * Reads the room once and sends what changed: a delta, a new day's snapshot, or the heartbeat.
   * `when`: why a flush reads (none for the refresh); a flush that sends a call reports its parts.
   */
  private async read(room: RoomState, now: number, when?: CallFlushTiming['when']): Promise<'sent' | 'unchanged' | 'failed'> {
    // Clear first: a mark that arrives while reading is flushed after it.
    const callMarkedAt = room.callMarkedAt;
    room.dirty = false;
    room.call = false;
    room.callMarkedAt = null;
    room.reading++;
    const readNo = ++room.readsStarted;
    room.lastReadAt = now;
    const readStart = this.elapsed();
    let next: Snapshot;
    try {
      next = await this.opts.read(room.scope, now);
      this.stats.reads++;
    } catch (err) {
      this.stats.readErrors++;
      room.dirty = true;
      this.opts.log.warn({ scope: room.scope, err: (err as Error).message }, 'live: snapshot read failed; retrying next tick');
      return 'failed';
    } finally {
      room.reading--;
    }
    // a newer read's result was taken already (never expected: one connection answers in order)
    if (readNo < room.readTaken) return 'unchanged';
    room.readTaken = readNo;
    const readEnd = this.elapsed();
    const reportCall =
      callMarkedAt !== null && when !== undefined && this.opts.onCallFlush
        ? () =>
            this.opts.onCallFlush!({ scope: room.scope, when, waitMs: readStart - callMarkedAt, readMs: readEnd - readStart, sendMs: this.elapsed() - readEnd })
        : () => undefined;
    const prev = room.snapshot!;
    const sentAt = this.opts.now();
    if (next.date !== prev.date) {
      // A new day: every counter starts again; a whole snapshot is simpler and smaller than the delta.
      room.seq++;
      room.snapshot = next;
      room.lastSentAt = sentAt;
      this.stats.snapshots++;
      this.opts.sendSnapshot({ scope: room.scope, seq: room.seq, snapshot: next, sentAt });
      reportCall();
      return 'sent';
    }
    const changes = diffSnapshot(prev, next);
    const meaningful = changes.some(([path]) => !(path.length === 1 && path[0] === 'asOf'));
    const heartbeatDue = sentAt - room.lastSentAt >= this.opts.refreshMs;
    if (!meaningful && !(changes.length > 0 && heartbeatDue)) return 'unchanged';
    room.seq++;
    room.snapshot = next;
    room.lastSentAt = sentAt;
    this.stats.deltas++;
    this.opts.sendDelta({ scope: room.scope, seq: room.seq, changes, sentAt });
    reportCall();
    return 'sent';
  }
}
