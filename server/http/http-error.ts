/**
 * An answer of the HTTP layer itself `{ error, field? }` with its status and headers: a path that
 * matches no route, a request refused by a guard or a parser, a body of the wrong shape. What a
 * domain refuses is a domain error (server/domain-errors.ts); both become answers in `onError`
 * (server/http/app.ts).
 */
export class HttpError extends Error {
  override name = 'HttpError';
  /** What went wrong in detail, for the hub's log only: never part of the answer. */
  detail?: string;
  constructor(
    public readonly status: number,
    message: string,
    public readonly field?: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
