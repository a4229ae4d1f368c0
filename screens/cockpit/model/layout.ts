/**
 * Which cockpit a window gets: the 1920x1080 canvas (walls, desk monitors, the export) or the page
 * for phones and tablets (docs/cockpit.md, "On a phone"). Below 1024 CSS px of width the canvas
 * would scale its text under 10 px, so a phone (< 600 px) and a tablet held upright get the page;
 * it follows rotation and resizing. `?layout=wall|phone` forces one (for a kiosk or a test).
 */
import { ref } from 'vue';

export const PHONE_QUERY = '(max-width: 1023px)';

export type CockpitLayout = 'wall' | 'phone';

const params = new URLSearchParams(location.search);
const forced = params.get('layout');
const query = typeof matchMedia === 'function' ? matchMedia(PHONE_QUERY) : null;

function current(): CockpitLayout {
  if (params.get('export') === '1' || forced === 'wall') return 'wall';
  if (forced === 'phone') return 'phone';
  return query?.matches ? 'phone' : 'wall';
}

/** The layout now; follows the window's width. */
export const cockpitLayout = ref<CockpitLayout>(current());
query?.addEventListener('change', () => {
  cockpitLayout.value = current();
});
