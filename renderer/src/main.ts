import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createBrowserConsoleApi } from './api/browser-console-api';
import { consoleApiKey } from './api/console-api';
import { createConsoleRouter } from './router';
import './styles.css';

const app = createApp(App);
app.provide(consoleApiKey, createBrowserConsoleApi());
app.use(createPinia());
app.use(createConsoleRouter());
app.mount('#app');
