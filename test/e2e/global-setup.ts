// Builds the renderer once so every spec serves the same production bundle the CSP applies to.
import { build } from 'vite';

export default async function globalSetup(): Promise<void> {
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
