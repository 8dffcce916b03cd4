// Builds the Electron main process and preload (the renderer is built by `vite build`):
//   dist/app/electron/main.js (+ every module it imports, one file per source module, so each
//   keeps its import.meta.dirname and finds network/ and chaincode/ beside dist/app/electron)
//   dist/app/electron/preload.js (one CommonJS file: a sandboxed preload cannot import modules)
// Dependencies stay external; electron-builder ships them from node_modules.
//
//   npx tsx electron/build/build-electron.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OUT = path.join(ROOT, 'dist', 'app');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
const dependencies = Object.keys(manifest.dependencies ?? {});
const isExternal = (id: string): boolean =>
  id === 'electron' ||
  id.startsWith('node:') ||
  dependencies.some((dependency) => id === dependency || id.startsWith(`${dependency}/`));

await build({
  configFile: false,
  root: ROOT,
  logLevel: 'warn',
  build: {
    ssr: path.join(ROOT, 'electron', 'main.ts'),
    outDir: OUT,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      external: isExternal,
      output: { format: 'es', preserveModules: true, preserveModulesRoot: ROOT, entryFileNames: '[name].js' },
    },
  },
});

await build({
  configFile: false,
  root: ROOT,
  logLevel: 'warn',
  ssr: { noExternal: true },
  build: {
    ssr: path.join(ROOT, 'electron', 'preload.ts'),
    outDir: path.join(OUT, 'electron'),
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'preload.js' },
    },
  },
});

console.log(`Electron main and preload built in ${OUT}`);
