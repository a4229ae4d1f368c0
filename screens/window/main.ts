import { createScreenApp } from '../../web/boot/create-screen-app.ts';
import App from './App.vue';

createScreenApp(App).mount('#app');
