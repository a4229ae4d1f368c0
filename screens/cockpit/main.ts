import { createScreenApp } from '../../web/boot/create-screen-app.ts';
import App from './App.vue';
import { startEarlyOverview } from './model/early-overview.ts';
import { startEarlySnapshot } from './model/early-snapshot.ts';
import { cockpitLayout } from './model/layout.ts';
import { startEarlySessionCheck } from './model/session.ts';

const params = new URLSearchParams(location.search);
// the session check and the first data go out together: the first screen is one round trip
startEarlySessionCheck();
// the wall's first screen is one answer; the phone's first cards are the snapshot
if (cockpitLayout.value === 'phone') startEarlySnapshot(params.get('scope') ?? 'city', params.get('date'));
else startEarlyOverview(params.get('scope') ?? 'city', params.get('date'));
createScreenApp(App).mount('#app');
