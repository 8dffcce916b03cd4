import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createBrowserConsoleApi } from './api/browser-console-api';
import { consoleApiKey } from './api/console-api';
import { createIpcConsoleApi, findBridge } from './api/ipc-console-api';
import { createConsoleRouter } from './router';
import './styles.css';

// Inside Electron the preload exposes the IPC bridge; in a browser the headless server answers.
const bridge = findBridge();
const app = createApp(App);
app.provide(consoleApiKey, bridge ? createIpcConsoleApi(bridge) : createBrowserConsoleApi());
app.use(createPinia());
app.use(createConsoleRouter());
app.mount('#app');
