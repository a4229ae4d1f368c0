/**
 * The client side of one scope: the state built from a snapshot and the deltas after it, with
 * `seq` gap detection. Pure (no socket), so it is tested alone and reused by any transport.
 */
import { applyChanges } from '../../common/delta.ts';
import type { DeltaMessage, SnapshotMessage } from '../../common/live.ts';
import type { Snapshot } from '../../common/snapshot.ts';

/** What a message did to the feed. */
export type FeedOutcome =
  /** The state changed: tell the listeners. */
  | 'applied'
  /** A delta older than or equal to the current seq (a replay): ignored. */
  | 'stale'
  /** A delta skipped a seq, or came before any snapshot: the caller must ask for a resync. */
  | 'gap'
  /** Waiting for the snapshot that a resync asked for: ignored. */
  | 'waiting';

export class ScopeFeed {
  state: Snapshot | null = null;
  seq: number | null = null;
  /** True between a resync request (gap, reconnect) and the snapshot that answers it. */
  awaitingSnapshot = true;

  onSnapshot(msg: SnapshotMessage): FeedOutcome {
    this.state = msg.snapshot;
    this.seq = msg.seq;
    this.awaitingSnapshot = false;
    return 'applied';
  }

  onDelta(msg: DeltaMessage): FeedOutcome {
    if (this.awaitingSnapshot) return 'waiting';
    if (this.state === null || this.seq === null) return this.markGap();
    if (msg.seq <= this.seq) return 'stale';
    if (msg.seq !== this.seq + 1) return this.markGap();
    this.state = applyChanges(this.state, msg.changes);
    this.seq = msg.seq;
    return 'applied';
  }

  /** The connection was replaced: the seq of the next hub is unrelated, wait for its snapshot. */
  expectSnapshot(): void {
    this.awaitingSnapshot = true;
  }

  private markGap(): FeedOutcome {
    this.awaitingSnapshot = true;
    return 'gap';
  }
}
