/** Prometheus metrics of the hub (prom-client), on a registry of its own so tests can run several hubs. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'yg_' });
  return {
    registry,
    ingestEvents: new Counter({
      name: 'yg_ingest_events_total',
      help: 'Events received by POST /api/v1/events, by outcome',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    ingestRequests: new Counter({
      name: 'yg_ingest_requests_total',
      help: 'Requests to POST /api/v1/events by outcome (accepted, refused, unavailable, failed, aborted) and HTTP status',
      labelNames: ['outcome', 'status'] as const,
      registers: [registry],
    }),
    aggregatedEvents: new Counter({
      name: 'yg_aggregated_events_total',
      help: 'Stream entries applied to the aggregates by this process',
      registers: [registry],
    }),
    deadLetters: new Gauge({ name: 'yg_dead_letter_events', help: 'Events in the dead-letter stream', registers: [registry] }),
    consumerLag: new Gauge({ name: 'yg_consumer_lag_events', help: 'Stream entries not yet read by the aggregator group', registers: [registry] }),
    consumerPending: new Gauge({ name: 'yg_consumer_pending_events', help: 'Entries read but not yet acknowledged', registers: [registry] }),
    redisUsedMemory: new Gauge({
      name: 'yg_redis_used_memory_bytes',
      help: 'Redis used_memory (INFO memory), read at each health check and scrape',
      registers: [registry],
    }),
    redisMaxMemory: new Gauge({ name: 'yg_redis_maxmemory_bytes', help: 'Redis maxmemory (0: no limit)', registers: [registry] }),
    redisWritable: new Gauge({
      name: 'yg_redis_writable',
      help: '1 when the health probe write was taken, 0 when Redis refuses writes (OOM, MISCONF)',
      registers: [registry],
    }),
    redisLatency: new Histogram({
      name: 'yg_redis_ping_seconds',
      help: 'Redis PING round trip',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}

export type HubMetrics = ReturnType<typeof createMetrics>;

export interface LiveStatsSource {
  stats(): { sockets: number; rooms: number; deltas: number; snapshots: number; leadingFlushes: number; callFlushes: number; mergedFlushes: number };
  /** The parts of each room flush that sent a call (server/realtime/live-rooms.ts, CallFlushTiming). */
  onCallFlush?(listener: (timing: { waitMs: number; readMs: number; sendMs: number }) => void): () => void;
}

/** Realtime figures, read when Prometheus scrapes. */
export function registerLiveMetrics(metrics: HubMetrics, live: LiveStatsSource): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'yg_live_sockets',
    help: 'Sockets connected to /live on this hub',
    registers,
    collect() {
      this.set(live.stats().sockets);
    },
  });
  new Gauge({
    name: 'yg_live_rooms',
    help: 'Scopes with subscribers on this hub',
    registers,
    collect() {
      this.set(live.stats().rooms);
    },
  });
  new Gauge({
    name: 'yg_live_deltas_sent',
    help: 'Deltas sent to rooms since start',
    registers,
    collect() {
      this.set(live.stats().deltas);
    },
  });
  new Gauge({
    name: 'yg_live_snapshots_sent',
    help: 'Snapshots sent since start',
    registers,
    collect() {
      this.set(live.stats().snapshots);
    },
  });
  new Gauge({
    name: 'yg_live_flushes',
    help: 'Room flushes that sent something since start, by when: quiet (at once after a quiet tick), call (a call at once in a busy room), merged (a busy room at its tick); docs/realtime.md',
    labelNames: ['when'],
    registers,
    collect() {
      const s = live.stats();
      this.set({ when: 'quiet' }, s.leadingFlushes);
      this.set({ when: 'call' }, s.callFlushes);
      this.set({ when: 'merged' }, s.mergedFlushes);
    },
  });
  // Where the hub's share of a call's way to the walls goes (docs/realtime.md): per room flush
  // that sent a call, the wait from the batch's mark to the read, the read, and the diff and send.
  const callFlush = new Histogram({
    name: 'yg_live_call_flush_seconds',
    help: 'Room flushes that sent a call, by part: wait (mark to read), read (Redis), send (diff, encode, write to every socket); docs/realtime.md',
    labelNames: ['part'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers,
  });
  live.onCallFlush?.((t) => {
    callFlush.observe({ part: 'wait' }, t.waitMs / 1000);
    callFlush.observe({ part: 'read' }, t.readMs / 1000);
    callFlush.observe({ part: 'send' }, t.sendMs / 1000);
  });
}
