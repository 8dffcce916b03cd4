// Proves the browser stack end to end (built renderer, CSP, login cookie, HTTP calls, WebSocket
// events) on a fake controller. The page objects are the ones the real-network specs will use.
import { expect, test } from './fixtures';
import { ConsoleApp } from './pages/console-app';

test('signs in, shows the network and restarts a peer from the Nodes page', async ({ page, fakeConsole }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));

  const app = new ConsoleApp(page);
  const overview = await app.signIn(fakeConsole.server.loginUrl);
  await app.expectLiveUpdates();
  await overview.expectNetworkState('up');
  await overview.expectNodes(['orderer0.orderer', 'peer0.hospital', 'peer0.insurer']);
  await overview.expectNodeState('peer0.hospital', 'running');
  await overview.expectPeerHeight('peer0.hospital', 12);
  await overview.expectChaincode('medfabric');

  const nodes = await app.openNodes();
  await nodes.selectNode('peer0.hospital');
  await nodes.expectMetric('metric-block-height', /12/);
  await nodes.expectMetric('metric-proposal-duration', /7\.0 ms \/\s*50\.0 ms/);

  await test.step('restart shows the transition, then the new state', async () => {
    await nodes.nodeRow('peer0.hospital').getByTestId('node-restart').click();
    await nodes.expectNodeState('peer0.hospital', 'restarting');
    await nodes.expectNodeState('peer0.hospital', 'running');
    await nodes.expectRestarts('peer0.hospital', 1);
  });

  await test.step('pushed events reach the page', async () => {
    const at = new Date().toISOString();
    fakeConsole.controller.emit('log', {
      nodeId: 'peer0.hospital',
      stream: 'stderr',
      line: 'WARN gossip lag',
      at,
    });
    fakeConsole.controller.emit('log', {
      nodeId: 'peer0.hospital',
      stream: 'stderr',
      line: 'INFO block 13',
      at,
    });
    await nodes.expectLogLine('WARN gossip lag');
    await nodes.filterLog('warn');
    await expect(nodes.logLines).toHaveCount(1);
  });

  expect(consoleErrors).toEqual([]);
});

test('an unauthenticated browser is told how to sign in', async ({ page, fakeConsole }) => {
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  const app = new ConsoleApp(page);
  await page.goto(fakeConsole.server.url);
  const overview = await app.openOverview();
  await overview.expectError('unauthorized', /login URL printed by the console server/);
  expect(fakeConsole.controller.calls).toEqual([]);
  expect(cspViolations).toEqual([]);
});
