/** Reads the reference data from the hub (GET /api/v1/catalog), waiting a little for a hub that is starting. */
import type { Catalog } from '../common/catalog.ts';

export class HubUnreachableError extends Error {
  override name = 'HubUnreachableError';
}

export async function fetchCatalog(url: string, signal?: AbortSignal, waitMs = 15_000): Promise<Catalog> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/v1/catalog`, { signal: signal ?? AbortSignal.timeout(10_000) });
      if (res.ok) {
        const catalog = (await res.json()) as Catalog;
        if (!Array.isArray(catalog.centers) || !Array.isArray(catalog.windows)) throw new HubUnreachableError(`${url}/api/v1/catalog did not answer a catalog`);
        return catalog;
      }
      if (res.status !== 503) throw new HubUnreachableError(`${url}/api/v1/catalog answered ${res.status}`);
    } catch (err) {
      if (err instanceof HubUnreachableError || signal?.aborted || Date.now() > deadline) {
        throw err instanceof HubUnreachableError
          ? err
          : new HubUnreachableError(`cannot reach the hub at ${url} (${(err as Error).message}); start it with "npm start" or pass --url`);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
