// The console on a REAL Fabric network (started by the global setup, brought up by the wizard):
// the story an administrator goes through, one page at a time, with a screenshot of each page.
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { ConsoleApp } from './pages/console-app';
import { NodesPage } from './pages/nodes-page';
import { OverviewPage } from './pages/overview-page';
import { PROBE_CHAINCODE, STORAGE_STATE_FILE } from './support/environment';

const PEER_ORGS = ['HospitalMSP', 'InsurerMSP', 'RegulatorMSP'];
const ALL_ORGS = ['OrdererMSP', ...PEER_ORGS];
const NETWORK_UP_TIMEOUT_MS = 12 * 60_000;

// Every test but the wizard starts from the session the global setup signed in.
test.use({ storageState: STORAGE_STATE_FILE });

function failOnPageErrors(page: Page, testInfo: TestInfo): () => void {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
  return () => {
    if (errors.length > 0)
      void testInfo.attach('page-errors', { body: errors.join('\n'), contentType: 'text/plain' });
    expect(errors).toEqual([]);
  };
}

test.describe('wizard', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the first-run wizard brings up the sandbox consortium', async ({ page, realConsole }, testInfo) => {
    test.setTimeout(NETWORK_UP_TIMEOUT_MS + 60_000);
    const app = new ConsoleApp(page);
    await app.signIn(realConsole.loginUrl);
    const wizard = await app.expectWizard();
    await app.screenshot(testInfo, 'wizard');
    await wizard.createTheSandbox(NETWORK_UP_TIMEOUT_MS);
    await new OverviewPage(page).expectNetworkState('up');
  });
});

test('Overview shows every node healthy and the peers at equal heights', async ({
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  const app = new ConsoleApp(page);
  await app.open(realConsole.url);
  const overview = new OverviewPage(page);
  await overview.expectNetworkState('up');
  await app.expectLiveUpdates();
  await overview.expectAllHealthyAndInSync(4);
  for (const node of [
    'orderer0.orderer.medfabric.local',
    'peer0.hospital.medfabric.local',
    'peer0.insurer.medfabric.local',
    'peer0.regulator.medfabric.local',
  ]) {
    await expect(overview.nodeRow(node)).toBeVisible();
  }
  await overview.expectChaincode('medfabric');
  await app.screenshot(testInfo, 'overview');
  checkErrors();
});

test('stopping a peer from Nodes shows it stopped; restarting brings it back; the log tail shows new lines', async ({
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(5 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
  const app = new ConsoleApp(page);
  await app.open(realConsole.url);
  const nodes: NodesPage = await app.openNodes();
  const peer = 'peer0.insurer.medfabric.local';
  await nodes.selectNode(peer);
  const starts = nodes.logLines.filter({ hasText: 'Starting peer:' });
  await expect.poll(() => starts.count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const startsBefore = await starts.count();

  await nodes.runAction(peer, 'stop', 'stopped');
  await expect(nodes.nodeRow(peer).getByTestId('node-pid')).toHaveText('—');
  await app.screenshot(testInfo, 'nodes-peer-stopped');

  await nodes.runAction(peer, 'restart', 'running');
  await expect(nodes.nodeRow(peer).getByTestId('node-health')).toHaveText('Healthy');
  await test.step('the log tail shows the lines the restarted peer writes', async () => {
    await expect.poll(() => starts.count(), { timeout: 60_000 }).toBeGreaterThan(startsBefore);
  });
  await app.screenshot(testInfo, 'nodes');

  const overview = await app.openOverview();
  await overview.expectAllHealthyAndInSync(4);
  checkErrors();
});

test('issuing an identity shows it with its expiry; the acting org decides which orgs are shown', async ({
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  const app = new ConsoleApp(page);
  await app.open(realConsole.url);
  await app.actAs('HospitalMSP');
  const identities = await app.openIdentities();
  await identities.expectOrgs(['HospitalMSP']);

  const name = `dr-e2e-${Date.now().toString(36)}`;
  await identities.issue(name, 'doctor');
  const notAfter = await identities.expectIdentity('HospitalMSP', name, 'doctor');
  // A fresh client certificate is valid for about a year.
  expect(notAfter.getTime() - Date.now()).toBeGreaterThan(300 * 24 * 3600 * 1000);
  await expect(identities.identityRow('HospitalMSP', name).getByTestId('expiry').first()).toHaveAttribute(
    'data-expiry',
    'valid',
  );

  const definition = await identities.exportDefinition('HospitalMSP');
  expect(definition).toMatchObject({ mspId: 'HospitalMSP', role: 'hospital', nodeOUs: true });
  expect(String(definition.caCertPem)).toContain('BEGIN CERTIFICATE');
  expect(definition.anchorPeers).toHaveLength(1);
  await app.screenshot(testInfo, 'identities');

  await app.actAs('RegulatorMSP');
  await identities.expectOrgs(ALL_ORGS);
  await expect(identities.identityRow('HospitalMSP', name)).toBeVisible();
  await expect(page.getByTestId('issue-identity')).toBeVisible();
  await app.screenshot(testInfo, 'identities-as-regulator');

  await app.actAs('InsurerMSP');
  await identities.expectOrgs(['InsurerMSP']);
  await app.actAs('HospitalMSP');
  checkErrors();
});

test('the channel page shows the four orgs and the decoded configuration', async ({
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  const app = new ConsoleApp(page);
  await app.open(realConsole.url);
  const channel = await app.openChannel();
  await channel.expectOrgs(ALL_ORGS);
  for (const mspId of PEER_ORGS)
    await expect(channel.orgRow(mspId).getByTestId('anchor-peer')).toHaveCount(1);
  await expect(channel.orgRow('OrdererMSP')).toContainText('orderer 127.0.0.1:');
  await channel.expectOrdererSettings();
  await expect(page.getByTestId('policy-row').filter({ hasText: 'LifecycleEndorsement' })).toContainText(
    'MAJORITY Endorsement',
  );
  await app.screenshot(testInfo, 'channel');
  checkErrors();
});

test('deploying a new chaincode version from a folder bumps the sequence', async ({
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
  const app = new ConsoleApp(page);
  await app.open(realConsole.url);
  const chaincode = await app.openChaincode();
  await expect(chaincode.row('medfabric')).toBeVisible({ timeout: 30_000 });
  await chaincode.expectCommitted('medfabric', '0.1.0', 1, PEER_ORGS);

  const before = (await chaincode.sequenceOf('probe')) ?? 0;
  const firstVersion = `e2e-${Date.now().toString(36)}`;
  await chaincode.deploy(PROBE_CHAINCODE, 'probe', firstVersion, 5 * 60_000);
  await chaincode.expectCommitted('probe', firstVersion, before + 1, PEER_ORGS);

  await chaincode.deploy(PROBE_CHAINCODE, 'probe', `${firstVersion}.1`, 5 * 60_000);
  await chaincode.expectCommitted('probe', `${firstVersion}.1`, before + 2, PEER_ORGS);
  await expect(page.getByTestId('deploy-result')).toContainText(`sequence ${before + 2}`);
  for (const peer of [
    'peer0.hospital.medfabric.local',
    'peer0.insurer.medfabric.local',
    'peer0.regulator.medfabric.local',
  ]) {
    await expect(page.locator(`[data-testid="installed-row"][data-peer-id="${peer}"]`)).toContainText(
      `probe_${firstVersion}.1`,
    );
  }
  await app.screenshot(testInfo, 'chaincode');
  checkErrors();
});
