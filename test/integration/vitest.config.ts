import { defineConfig } from 'vitest/config';

// Integration tests share ONE real Fabric network, started by the global setup; files run one
// after another because they act on the same ledger.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.spec.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 600_000,
  },
});
