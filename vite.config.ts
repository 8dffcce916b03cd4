import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

// The renderer build: served by the headless server and loaded by Electron from disk, hence the
// relative base. The output contains no inline scripts, as the CSP requires.
export default defineConfig({
  root: fromRoot('renderer'),
  base: './',
  plugins: [vue()],
  build: {
    outDir: fromRoot('dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
  },
});
