import { defineConfig } from 'vitest/config';

// Unit tests: fast, no Fabric processes. Integration tests have their own config.
export default defineConfig({
  test: {
    include: ['electron/**/*.spec.ts', 'network/**/*.spec.ts', 'test/unit/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
