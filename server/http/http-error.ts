/** An error that becomes an HTTP answer `{ error, field? }` with its status. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(public readonly status: number, message: string, public readonly field?: string, public readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** Redis did not take the request: the client should retry after a moment. */
export class StoreUnavailableError extends HttpError {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown, consequence = 'nothing of this request was taken; retry later') {
    super(503, `the event store is unavailable (${(cause as Error)?.message ?? cause}); ${consequence}`, undefined, { 'Retry-After': '1' });
  }
}
