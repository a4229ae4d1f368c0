/**
 * The admin console: a PC and tablet page (not an LED canvas), so, like the supervisor console, it
 * boots without the screens' live client (it reads and writes over HTTP only) and shows the cursor.
 */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import '../../web/theme/theme.css';
import './admin.css';
import App from './App.vue';

createApp(App).use(createPinia()).mount('#app');
