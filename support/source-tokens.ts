/** The ingest tokens of the sources in tests and benchmarks (INGEST_TOKENS of their hubs). */
export const TOKENS = {
  queue: 'queue-token-0001',
  rating: 'rating-token-001',
  cases: 'cases-token-0001',
  portal: 'portal-token-001',
  trade: 'trade-token-0001',
  fee: 'fee-token-000001',
  window: 'window-token-001',
  complaint: 'complaint-token1',
} as const;

/** `TOKENS` as INGEST_TOKENS spells them: `source=token,…`. */
export const INGEST_TOKENS_ENV = Object.entries(TOKENS)
  .map(([s, t]) => `${s}=${t}`)
  .join(',');
