// Fixtures: `fakeConsole` is a headless server on a fake controller (browser-stack checks that
// need no network); `realConsole` is the console the global setup started on the real network;
// `app` is the page object of the test's page.
import { test as base } from '@playwright/test';
import { FakeNetworkController } from '../../electron/api/testing/fake-network-controller';
import { startHeadlessServer, type HeadlessServer } from '../../electron/server/headless-server';
import { ConsoleApp } from './pages/console-app';
import { RENDERER_DIST, realConsole, type RealConsole } from './support/environment';

export { RENDERER_DIST };

export interface FakeConsole {
  server: HeadlessServer;
  controller: FakeNetworkController;
}

export const test = base.extend<{ fakeConsole: FakeConsole; realConsole: RealConsole; app: ConsoleApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern.
  fakeConsole: async ({}, use) => {
    const controller = new FakeNetworkController();
    controller.nodeActionDelayMs = 400;
    const server = await startHeadlessServer({
      controller,
      staticDir: RENDERER_DIST,
      host: '127.0.0.1',
      port: 0,
    });
    await use({ server, controller });
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern.
  realConsole: async ({}, use) => {
    await use(realConsole());
  },
  app: async ({ page }, use) => {
    await use(new ConsoleApp(page));
  },
});

export { expect } from '@playwright/test';
