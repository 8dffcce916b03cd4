// A headless console server per test. Here it runs on a fake controller to prove the browser
// stack; integration specs can provide the same fixture backed by the real runtime.
import { test as base } from '@playwright/test';
import path from 'node:path';
import { FakeNetworkController } from '../../electron/api/testing/fake-network-controller';
import { startHeadlessServer, type HeadlessServer } from '../../electron/server/headless-server';

export const RENDERER_DIST = path.resolve(import.meta.dirname, '../../dist/renderer');

export interface FakeConsole {
  server: HeadlessServer;
  controller: FakeNetworkController;
}

export const test = base.extend<{ fakeConsole: FakeConsole }>({
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
});

export { expect } from '@playwright/test';
