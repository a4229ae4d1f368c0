/**
 * Keeps the private redis-server running for as long as the hub runs. When it dies (kill -9, the
 * kernel's OOM killer, a crash) the keeper starts it again on the same socket and data directory;
 * Redis replays its AOF and the hub's clients, which reconnect by themselves, carry on, so the
 * hub's health comes back without a restart of the hub. A Redis that hangs is not restarted: a
 * long AOF load or a freeze passes, and killing it would only lose time.
 */
import { ensurePrivateRedis, answers, isAlive, type PrivateRedis, type PrivateRedisOptions } from './private-redis.ts';

export interface PrivateRedisKeeper {
  /** The server as it is now (its pid changes with each restart; the socket path does not). */
  readonly current: PrivateRedis;
  readonly socketPath: string;
  /** Restarts so far. */
  readonly restarts: number;
  /** Stops watching, then stops the server if this process started it. */
  stop(): Promise<void>;
}

export interface KeeperOptions extends PrivateRedisOptions {
  /** How often a server this process did not start is checked (its own children are watched). @default 1000 */
  checkEveryMs?: number;
}

/** Starts (or reuses) the private Redis and keeps it running. */
export async function startKeptPrivateRedis(opts: KeeperOptions): Promise<PrivateRedisKeeper> {
  return keepPrivateRedis(await ensurePrivateRedis(opts), opts);
}

export function keepPrivateRedis(first: PrivateRedis, opts: KeeperOptions): PrivateRedisKeeper {
  const log = opts.log ?? (() => undefined);
  let current = first;
  let restarts = 0;
  let stopped = false;
  let restarting: Promise<void> | null = null;

  const alive = async (r: PrivateRedis): Promise<boolean> => (r.pid !== null ? isAlive(r.pid) : answers(r.socketPath));

  const check = async (): Promise<void> => {
    if (stopped || restarting || (await alive(current))) return;
    if (stopped || restarting) return;
    log(`the private redis-server (pid ${current.pid ?? '?'}) is gone; starting it again`);
    restarting = ensurePrivateRedis(opts)
      .then(
        (next) => {
          if (stopped) return next.stop();
          current = next;
          restarts++;
          watch(next);
          return undefined;
        },
        (err: unknown) => {
          // tried again at the next check: a full disk or a missing binary gets no better by hammering
          log(`could not start the private redis-server again: ${(err as Error).message}`);
        },
      )
      .finally(() => {
        restarting = null;
      });
    await restarting;
  };
  // our own child tells us at once when it exits; a reused server is polled
  const watch = (r: PrivateRedis) => {
    void r.exited?.then(() => check());
  };
  watch(first);
  const timer = setInterval(() => {
    void check();
  }, opts.checkEveryMs ?? 1000);
  timer.unref();

  return {
    get current() {
      return current;
    },
    get socketPath() {
      return current.socketPath;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await restarting;
      await current.stop();
    },
  };
}
