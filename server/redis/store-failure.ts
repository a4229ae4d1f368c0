/**
 * What a failed Redis call means, told by the error's class, never by its text:
 *
 * - Redis answered with an error: ioredis's `ReplyError`. Its code is the reply's first word, as
 *   the Redis protocol defines it (`OOM`, `MISCONF`, `LOADING`, `BUSYGROUP` …): `replyCode`.
 * - The hub's clients (connectRedis) turn ioredis's own failures, plain `Error`s, into
 *   `RedisTimeoutError` (no answer within the command timeout) and `RedisUnreachableError`
 *   (the command could not be sent, or the connection closed under it), at the one place ioredis
 *   rejects a command (`typedFailures`).
 *
 * `storeProblem` gives the fixed text of each kind for an answer; Redis's own text can carry a
 * script's SHA and line and the hub's key names, which are no client's business.
 */
import { ReplyError } from 'ioredis';
import type { Cluster, Redis } from 'ioredis';

/** Redis answered with an error reply (`-OOM …`, `-WRONGTYPE …`, a script's error). */
export function isReplyError(err: unknown): err is Error {
  return err instanceof ReplyError;
}

/** The error code of a Redis error reply (its first word, by the protocol), or null for any other error. */
export function replyCode(err: unknown): string | null {
  if (!isReplyError(err)) return null;
  const text = err.message;
  const end = text.indexOf(' ');
  return end === -1 ? text : text.slice(0, end);
}

/** Redis gave no answer within the client's command timeout; it may still have run the command. */
export class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError';
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
  }
}

/** The client had no connection to send the command on, or lost it before the answer came. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
  /** False: the command never left the hub, so Redis certainly did not run it. */
  readonly sent: boolean;
  constructor(sent: boolean, cause: unknown) {
    super(sent ? 'the connection to Redis closed before its answer' : 'no connection to Redis', { cause });
    this.sent = sent;
  }
}

/** A failure of the hub's own making in front of Redis (server/ingest): its text names only the kind. */
export class StoreRefusal extends Error {
  override name = 'StoreRefusal';
}

const REPLY_PROBLEMS: Record<string, string> = {
  OOM: 'Redis is full (maxmemory reached)',
  MISCONF: 'Redis cannot write to its disk',
  LOADING: 'Redis is loading its data',
  READONLY: 'Redis is failing over',
  MASTERDOWN: 'Redis is failing over',
  CLUSTERDOWN: 'Redis is failing over',
  TRYAGAIN: 'Redis is failing over',
  BUSY: 'Redis is busy',
};

/** ioredis's and redis-errors' own classes for a lost connection and a broken reply stream. */
const CONNECTION_ERRORS = new Set(['AbortError', 'InterruptError', 'MaxRetriesPerRequestError', 'ClusterAllFailedError', 'ParserError']);

/**
 * The fixed text of a store failure, or null when `err` is no failure of Redis (a bug, a refusal
 * of the domain): those keep their own handling.
 */
export function storeProblem(err: unknown): string | null {
  if (err instanceof StoreRefusal) return err.message;
  if (err instanceof RedisTimeoutError) return 'Redis did not answer in time';
  if (err instanceof RedisUnreachableError) return 'Redis is unreachable';
  if (isReplyError(err)) return REPLY_PROBLEMS[replyCode(err) ?? ''] ?? 'Redis failed';
  if (err instanceof Error && CONNECTION_ERRORS.has(err.name)) return 'Redis is unreachable';
  return null;
}

/** A short code for logs and /healthz: the reply's code, TIMEOUT, UNREACHABLE, or ERR. */
export function failureCode(err: unknown): string {
  const code = replyCode(err);
  if (code !== null && /^[A-Z]{2,20}$/.test(code)) return code;
  if (err instanceof RedisTimeoutError) return 'TIMEOUT';
  if (err instanceof RedisUnreachableError) return 'UNREACHABLE';
  return 'ERR';
}

interface CommandLike {
  reject: (err: Error) => void;
  promise: Promise<unknown>;
}

const TYPED = Symbol('yg.typedFailures');

/**
 * Makes every failure of the client's commands (pipelines and scripts included: they all pass
 * `sendCommand`) a `ReplyError`, a `RedisTimeoutError` or a `RedisUnreachableError`. ioredis
 * rejects a command it cannot send while still inside `sendCommand`, so a failure there was never
 * sent; a later one that is not a reply is a lost connection. The command timeout is kept here,
 * instead of ioredis's `commandTimeout`, so that its error has a class of its own.
 */
export function typedFailures<C extends Redis | Cluster>(client: C, commandTimeoutMs: number | undefined): C {
  const target = client as unknown as { sendCommand: (command: CommandLike, ...rest: unknown[]) => unknown; [TYPED]?: true };
  if (target[TYPED]) return client;
  target[TYPED] = true;
  const send = target.sendCommand.bind(client);
  target.sendCommand = (command: CommandLike, ...rest: unknown[]) => {
    if ((command as { [TYPED]?: true })[TYPED]) return send(command, ...rest); // sent again (a cluster redirection)
    (command as { [TYPED]?: true })[TYPED] = true;
    const reject = command.reject;
    let sending = true;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    command.reject = (err: Error) => {
      settled = true;
      clearTimeout(timer);
      reject(isReplyError(err) || storeProblem(err) !== null ? err : new RedisUnreachableError(!sending, err));
    };
    try {
      return send(command, ...rest);
    } finally {
      sending = false;
      if (commandTimeoutMs !== undefined && !settled) {
        timer = setTimeout(() => command.reject(new RedisTimeoutError(commandTimeoutMs)), commandTimeoutMs);
        const clear = () => {
          settled = true;
          clearTimeout(timer);
        };
        command.promise.then(clear, clear);
      }
    }
  };
  return client;
}
