// The console on a REAL Fabric network (started by the global setup, brought up by the wizard):
// the story an administrator goes through, one page at a time, with a screenshot of each page.
import type { TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { ConsoleApp } from './pages/console-app';
import { NodesPage } from './pages/nodes-page';
import { OverviewPage } from './pages/overview-page';
import { PROBE_CHAINCODE, STORAGE_STATE_FILE } from './support/environment';
import { failOnPageErrors } from './support/page-errors';

const PEER_ORGS = ['HospitalMSP', 'InsurerMSP', 'RegulatorMSP'];
const ALL_ORGS = ['OrdererMSP', ...PEER_ORGS];
const NETWORK_UP_TIMEOUT_MS = 12 * 60_000;

// Every test but the wizard starts from the session the global setup signed in.
test.use({ storageState: STORAGE_STATE_FILE });

test.describe('wizard', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the first-run wizard brings up the sandbox consortium', async ({
    app,
    page,
    realConsole,
  }, testInfo) => {
    test.setTimeout(NETWORK_UP_TIMEOUT_MS + 60_000);
    await app.signIn(realConsole.loginUrl);
    const wizard = await app.expectWizard();
    await app.screenshot(testInfo, 'wizard');
    await wizard.createTheSandbox(NETWORK_UP_TIMEOUT_MS);
    await new OverviewPage(page).expectNetworkState('up');
  });
});

test('Overview shows every node healthy and the peers at equal heights', async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
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
  app,
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(5 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
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
  app,
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
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
  expect(definition).toMatchObject({
    format: 'medfabric.org-definition/v1',
    mspId: 'HospitalMSP',
    kind: 'application',
    nodeOUs: { enable: true },
  });
  expect(String((definition.caCerts as string[])[0])).toContain('BEGIN CERTIFICATE');
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
  app,
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
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

/**
 * One batch-timeout change the way a consortium makes it: the hospital proposes and sends the
 * bundle file; `reviewer` (another member) checks and signs it; the ordering service's admin, whose
 * signature the /Channel/Orderer/Admins policy requires, signs and submits it.
 */
async function changeBatchTimeout(
  app: ConsoleApp,
  testInfo: TestInfo,
  round: { from: string; toMs: number; reviewer: string; tryEarlySubmit: boolean; tag: string },
): Promise<void> {
  const { from, toMs, reviewer, tag } = round;
  await app.actAs('HospitalMSP');
  const updates = await app.openChannelUpdates();
  await updates.proposeBatchTimeout(toMs, from, 'OrdererMSP');
  await app.screenshot(testInfo, `${tag}-1-proposed-by-hospital`);
  const proposed = await updates.downloadProposal(testInfo, `${tag}-1-hospital.bundle.json`);

  await app.actAs(reviewer);
  await updates.upload(proposed);
  await updates.expectReview(['HospitalMSP'], ['OrdererMSP']);
  await expect(app.page.getByTestId('bundle-impact').first()).toContainText(
    `BatchTimeout: ${from} → ${toMs}ms`,
  );
  await expect(app.page.getByTestId('sign-not-needed')).toBeVisible();
  await updates.sign(reviewer);
  await updates.expectReview(['HospitalMSP', reviewer], ['OrdererMSP']);
  if (round.tryEarlySubmit) {
    await updates.expectSubmitRefused('OrdererMSP');
    await app.screenshot(testInfo, `${tag}-2-refused-without-orderer-signature`);
  } else {
    await app.screenshot(testInfo, `${tag}-2-reviewed-by-${reviewer}`);
  }
  const countersigned = await updates.downloadSigned(testInfo, `${tag}-2-${reviewer}.bundle.json`);

  await app.actAs('OrdererMSP');
  await updates.upload(countersigned);
  await updates.expectReview(['HospitalMSP', reviewer], ['OrdererMSP']);
  await updates.sign('OrdererMSP');
  await updates.expectReview(['HospitalMSP', reviewer, 'OrdererMSP'], []);
  await updates.downloadSigned(testInfo, `${tag}-3-complete.bundle.json`);
  await updates.submit();
  await app.screenshot(testInfo, `${tag}-3-submitted-by-orderer-admin`);

  const channel = await app.openChannel();
  await channel.expectBatchTimeout(`${toMs}ms`);
}

test('a batch timeout change is proposed, signed offline by the members who must sign, submitted, and reverted', async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(6 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(realConsole.url);
  const channel = await app.openChannel();
  await channel.expectOrdererSettings();
  const original = (await page.getByTestId('batch-timeout').textContent())?.trim() ?? '';
  const originalMs = /^(\d+)ms$/.exec(original)?.[1];
  expect(originalMs, `the batch timeout is "${original}"`).toBeDefined();
  const changedMs = Number(originalMs) + 250;

  await test.step(`change the batch timeout ${original} → ${changedMs}ms`, () =>
    changeBatchTimeout(app, testInfo, {
      from: original,
      toMs: changedMs,
      reviewer: 'InsurerMSP',
      tryEarlySubmit: true,
      tag: 'change',
    }));
  await app.screenshot(testInfo, 'change-4-channel-shows-new-timeout');
  await test.step(`change it back ${changedMs}ms → ${original}`, () =>
    changeBatchTimeout(app, testInfo, {
      from: `${changedMs}ms`,
      toMs: Number(originalMs),
      reviewer: 'RegulatorMSP',
      tryEarlySubmit: false,
      tag: 'revert',
    }));
  await app.actAs('HospitalMSP');
  checkErrors();
});

test('an ACL change shows its impact and the admin quorum before anyone signs; a broken policy rule is refused', async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(realConsole.url);
  const updates = await app.openChannelUpdates();
  await updates.proposeAcl('qscc/GetChainInfo', '/Channel/Application/Admins', '/Channel/Application/Admins');
  await app.screenshot(testInfo, 'acl-proposal-impact');
  await updates.proposeBrokenPolicy('Writers', 'OR(HospitalMSP');
  checkErrors();
});

test('a bundle altered after it was signed is refused with the reason; org definitions are checked on import', async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(realConsole.url);
  await app.actAs('HospitalMSP');
  const updates = await app.openChannelUpdates();
  const channel = await app.openChannel();
  await channel.expectOrdererSettings();
  const original = (await page.getByTestId('batch-timeout').textContent())?.trim() ?? '';
  await app.openChannelUpdates();
  await updates.proposeBatchTimeout(700, original, 'OrdererMSP');
  const file = await updates.downloadProposal(testInfo, 'tamper-original.bundle.json');

  await test.step('alter the update inside the file: 700ms becomes 900ms (digest recomputed)', async () => {
    const bundle = JSON.parse(await readFile(file, 'utf8')) as {
      configUpdate: string;
      configUpdateSha256: string;
    };
    const bytes = Buffer.from(bundle.configUpdate, 'base64');
    const at = bytes.indexOf('700ms');
    expect(at).toBeGreaterThan(0);
    bytes.write('900ms', at);
    bundle.configUpdate = bytes.toString('base64');
    bundle.configUpdateSha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(file, JSON.stringify(bundle, null, 2));
  });
  await app.actAs('OrdererMSP');
  await updates.upload(file);
  await expect(updates.verdict).toHaveAttribute('data-tampered', 'true');
  await expect(updates.verdict).toContainText('Refused: this bundle was altered after it was signed');
  await expect(page.getByTestId('bundle-problem').first()).toContainText('changed after it was signed');
  await expect(updates.signature('HospitalMSP')).toHaveAttribute('data-valid', 'false');
  await expect(page.getByTestId('bundle-sign')).toBeDisabled();
  await expect(page.getByTestId('bundle-submit')).toBeDisabled();
  await app.screenshot(testInfo, 'tampered-bundle-refused');

  await test.step('a file that is not a bundle is refused in words', async () => {
    const junk = testInfo.outputPath('not-a-bundle.json');
    await writeFile(junk, JSON.stringify({ hello: 'world' }));
    await updates.upload(junk);
    await expect(updates.refusal).toContainText('not a config update bundle');
    await expect(page.getByTestId('refusal-problem').first()).toContainText('format');
  });

  await test.step('our org definition exports, and a partner definition is checked on import', async () => {
    await app.actAs('InsurerMSP');
    await expect(page.getByTestId('onboarding-help')).toContainText('send the file to a member');
    await page.getByTestId('export-own-definition').click();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('download-own-definition').click();
    const definitionFile = testInfo.outputPath('InsurerMSP.org-definition.json');
    await (await downloading).saveAs(definitionFile);
    await page.getByTestId('definition-upload').setInputFiles(definitionFile);
    const check = page.getByTestId('definition-check');
    await expect(check).toHaveAttribute('data-valid', 'true');
    await expect(check).toContainText('InsurerMSP');
    await expect(check).toContainText('already a member of this channel');

    const broken = JSON.parse(await readFile(definitionFile, 'utf8')) as Record<string, unknown>;
    const brokenFile = testInfo.outputPath('Hospital2MSP.org-definition.json');
    await writeFile(brokenFile, JSON.stringify({ ...broken, mspId: 'Hospital2MSP', caCerts: [] }));
    await page.getByTestId('definition-upload').setInputFiles(brokenFile);
    await expect(check).toHaveAttribute('data-valid', 'false');
    await expect(page.getByTestId('definition-line').first()).toContainText('at least one CA certificate');
    await app.screenshot(testInfo, 'org-definitions');
  });
  await app.actAs('HospitalMSP');
  checkErrors();
});

test('deploying a new chaincode version from a folder bumps the sequence', async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
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
