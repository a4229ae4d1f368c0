/** The supervisor console: a PC page (not an LED canvas), so no live `/live` client and a visible cursor. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import '../../web/theme/theme.css';
import App from './App.vue';

createApp(App).use(createPinia()).mount('#app');
