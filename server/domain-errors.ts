/**
 * The errors the hub's domains throw when a request cannot be served, one class per answer.
 * Domains throw these (or their own subclasses, e.g. `UserInputError extends InputError`); the one
 * HTTP error handler (`onError` in server/http/app.ts) turns each into its status and body, and a
 * failure of Redis that reaches it unwrapped becomes `StoreUnavailable` there, so the same outage
 * gives the same answer on every route.
 */
import { storeProblem } from './redis/store-failure.ts';

export abstract class DomainError extends Error {
  /** What went wrong in detail, for the hub's log only: never part of the answer. */
  detail?: string;
}

/** An error that may name the field of the request it is about. */
export abstract class FieldError extends DomainError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** 400: what the client sent is not acceptable; `field` names the part, `issues` (when given) every problem found. */
export class InputError extends FieldError {
  override name = 'InputError';
  constructor(
    message: string,
    field?: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message, field);
  }
}

/** 401: no or wrong credentials. */
export class Unauthenticated extends FieldError {
  override name = 'Unauthenticated';
}

/** 403: the caller is known and may not do this. */
export class Forbidden extends FieldError {
  override name = 'Forbidden';
}

/** 404 */
export class NotFound extends FieldError {
  override name = 'NotFound';
}

/**
 * 409: the thing changed under the caller. `code` says why, for programs (a console shows its
 * own text per code); `context` goes into the answer too (e.g. the alert as it is now).
 */
export class Conflict<Code extends string = string> extends DomainError {
  override name = 'Conflict';
  constructor(
    readonly code: Code,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** 429: too many attempts; try again after `retryAfterSec`. */
export class TooManyAttempts extends DomainError {
  override name = 'TooManyAttempts';
  constructor(
    message: string,
    readonly retryAfterSec: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** 503: a part the request needs is not available now; try again after `retryAfterSec`. */
export class Unavailable extends DomainError {
  override name = 'Unavailable';
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

/** The default consequence: what a client should know and do. */
export const NOTHING_TAKEN = 'nothing of this request was taken; retry later';

/**
 * 503 with `Retry-After: 1`: Redis failed. The answer names the kind of failure in a fixed text
 * (server/redis/store-failure.ts); Redis's own message goes to the log only.
 */
export class StoreUnavailable extends Unavailable {
  override name = 'StoreUnavailable';
  constructor(cause: unknown, consequence = NOTHING_TAKEN) {
    super(`the event store is unavailable (${storeProblem(cause) ?? 'Redis failed'}); ${consequence}`, 1);
    this.detail = String((cause as Error)?.message ?? cause);
  }
}

/** A domain error as it is, or a Redis failure as StoreUnavailable; null for anything else (a bug). */
export function asDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  if (storeProblem(err) !== null) return new StoreUnavailable(err);
  return null;
}
