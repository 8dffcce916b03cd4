import { defineConfig } from '@playwright/test';

// Browser tests run in Debian's Chromium (no Playwright browser download). The global setup builds
// the renderer and starts the headless console on a real, not-yet-created Fabric network; the
// real-network specs bring it up through the wizard and drive it page by page, one after another.
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1360, height: 900 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  projects: [
    // No network needed: CSP, sign-in, a server without console services.
    { name: 'browser-stack', testMatch: 'auth.spec.ts' },
    // The real network, in story order: wizard, overview, nodes, identities, channel, chaincode.
    { name: 'real-network', testMatch: 'console.spec.ts' },
    // Then a known demo workload on the same network: dashboards, block browser, audit.
    { name: 'ledger-dashboards', testMatch: 'dashboards.spec.ts', dependencies: ['real-network'] },
    // Certificates on the same network: expiry radar, a peer's TLS renewal, the hospital's Fabric CA.
    { name: 'certificates', testMatch: 'certificates.spec.ts', dependencies: ['real-network'] },
    // A second console joins that consortium through the wizard; the org is removed again afterwards.
    { name: 'onboarding', testMatch: 'onboarding.spec.ts', dependencies: ['real-network'] },
    { name: 'electron', testMatch: 'electron.spec.ts' },
  ],
});
