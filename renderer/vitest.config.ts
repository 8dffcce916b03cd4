import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Renderer unit and component tests run in happy-dom; the root config stays on node for services.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'happy-dom',
    testTimeout: 10_000,
  },
});
