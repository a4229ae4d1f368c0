import { createScreenApp } from '../../web/boot/create-screen-app.ts';
import App from './App.vue';
import { startEarlySnapshot } from './model/early-snapshot.ts';

const params = new URLSearchParams(location.search);
startEarlySnapshot(params.get('scope') ?? 'city', params.get('date'));
createScreenApp(App).mount('#app');
