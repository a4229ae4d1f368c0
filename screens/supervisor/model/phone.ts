/**
 * The phone layout of the console: below 900 CSS px of width (a phone held either way, a small
 * tablet) the alerts are cards and the detail is a page of its own. The same width is the
 * `@media (max-width: 900px)` of the components' styles, so a desktop window keeps its layout.
 */
import { ref } from 'vue';

export const PHONE_QUERY = '(max-width: 900px)';

const query = typeof matchMedia === 'function' ? matchMedia(PHONE_QUERY) : null;
/** True while the window is phone-sized; follows rotation and resizing. */
export const phoneLayout = ref(query?.matches ?? false);
query?.addEventListener('change', (e) => {
  phoneLayout.value = e.matches;
});

/** The alert a link names: `/screens/supervisor?alert=<id>` (the notifications send such links). */
export function linkedAlertId(): string | null {
  const id = new URLSearchParams(location.search).get('alert');
  return id && /^[A-Za-z0-9._:@-]{1,80}$/.test(id) ? id : null;
}

/** This page's address with `?alert=<id>`, or without it. Other parameters stay. */
export function urlWithAlert(id: string | null): string {
  const url = new URL(location.href);
  if (id) url.searchParams.set('alert', id);
  else url.searchParams.delete('alert');
  return `${url.pathname}${url.search}${url.hash}`;
}
