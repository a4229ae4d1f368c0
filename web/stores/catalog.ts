/**
 * The reference data (GET /api/v1/catalog, or a center's part of it), fetched once per page load
 * and kept in localStorage so a screen that boots while the hub is down can still name its windows and staff. A failed
 * fetch is retried with backoff until it succeeds; this is boot, not polling.
 */
import { defineStore } from 'pinia';
import { computed, inject, onScopeDispose, shallowRef } from 'vue';
import type { Catalog, Department, Scope, ServiceWindow, Staff } from '../../common/catalog.ts';
import { readStored, writeStored } from '../util/local-store.ts';
import { screenFetch } from '../util/screen-fetch.ts';
import { LIVE_CLIENT } from './live-client-key.ts';

const STORAGE_KEY = 'yg:catalog';

/** The scope the page's catalog is for: set by the first `useCatalogStore(scope)`, before the store loads. */
let pageScope: Scope | null = null;

/**
 * The catalog store. A screen of one center (the hall, a window screen) passes its scope and gets
 * only that center's departments, windows, items and staff (GET /api/v1/catalog?scope=): a hall
 * need not download every center's. The first call decides; without a scope, the whole catalog.
 */
export function useCatalogStore(scope?: Scope | null) {
  if (scope && scope !== 'city') pageScope ??= scope;
  return useScopedCatalogStore();
}

const useScopedCatalogStore = defineStore('catalog', () => {
  const scope = pageScope;
  const storageKey = scope ? `${STORAGE_KEY}:${scope}` : STORAGE_KEY;
  const catalog = shallowRef<Catalog | null>(readStored<Catalog>(storageKey));
  const windows = computed(() => new Map<string, ServiceWindow>((catalog.value?.windows ?? []).map((w) => [w.code, w])));
  const staff = computed(() => new Map<string, Staff>((catalog.value?.staff ?? []).map((s) => [s.code, s])));
  const departments = computed(() => new Map<string, Department>((catalog.value?.departments ?? []).map((d) => [d.code, d])));

  let retry: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let disposed = false;
  async function load(): Promise<void> {
    try {
      let res = await screenFetch(scope ? `/api/v1/catalog?scope=${encodeURIComponent(scope)}` : '/api/v1/catalog', { cache: 'no-store' });
      // a scope the catalog does not know (a window screen set up with a wrong code): the whole
      // catalog, so the screen can say which window it does not find
      if (scope && (res.status === 400 || res.status === 404)) res = await screenFetch('/api/v1/catalog', { cache: 'no-store' });
      if (!res.ok) throw new Error(`catalog: HTTP ${res.status}`);
      const fresh = (await res.json()) as Catalog;
      catalog.value = fresh;
      writeStored(storageKey, fresh);
    } catch {
      if (disposed) return;
      attempt++;
      retry = setTimeout(() => void load(), Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
    }
  }
  void load();
  // a PUT of the catalog section reaches the screen as `config` on /live: names and windows without a reload
  // (a page without a live client, e.g. the sign-in console, has nothing pushed to it)
  const stopConfig = inject(LIVE_CLIENT, null)?.onConfig((msg) => {
    if (msg.section !== 'catalog') return;
    if (retry) clearTimeout(retry);
    attempt = 0;
    void load();
  });
  onScopeDispose(() => {
    disposed = true;
    stopConfig?.();
    if (retry) clearTimeout(retry);
  });

  /** "5" for yiyang.w005 (the number people read), falling back to the code. */
  function windowNumber(code: string): string {
    const w = windows.value.get(code);
    return w ? String(w.number) : code.replace(/^.*\.w0*/, '');
  }
  function staffName(code: string | null | undefined): string | null {
    if (!code) return null;
    return staff.value.get(code)?.name ?? null;
  }

  return { catalog, windows, staff, departments, windowNumber, staffName };
});
