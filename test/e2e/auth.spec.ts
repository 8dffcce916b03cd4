// Browser-stack checks that need no Fabric network: a headless server on a fake controller, the
// production bundle under the CSP, and what an unauthenticated browser is told.
import { expect, test } from './fixtures';

test('an unauthenticated browser is told how to sign in, without CSP violations', async ({
  app,
  page,
  fakeConsole,
}) => {
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  await page.goto(fakeConsole.server.url);
  const overview = await app.openOverview();
  await overview.expectError('unauthorized', /login URL printed by the console server/);
  expect(fakeConsole.controller.calls).toEqual([]);
  expect(cspViolations).toEqual([]);
});

test('a console without the console services still shows the nodes and says what is missing', async ({
  app,
  fakeConsole,
}) => {
  const overview = await app.signIn(fakeConsole.server.loginUrl);
  await app.expectLiveUpdates();
  await overview.expectNetworkState('up');
  await overview.expectNodes(['orderer0.orderer', 'peer0.hospital', 'peer0.insurer']);
  await app.page.getByTestId('nav-channel').click();
  await expect(app.page.getByTestId('error-notice')).toHaveAttribute('data-error-code', 'unavailable');
  await expect(app.page.getByTestId('error-notice')).toContainText('started without the console services');
});
