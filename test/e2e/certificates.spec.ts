// The Certificates page on the REAL network the real-network project brought up: the expiry radar
// over the local MSPs and the channel config, renewal of the hospital peer's TLS certificate (the
// peer restarts, its ledger stays), and the hospital's Fabric CA (register, enroll, re-enroll,
// revoke, publish the CRL as a channel update the hospital admin alone signs and submits).
import { expect, test } from './fixtures';
import { ChannelUpdatesPage } from './pages/channel-updates-page';
import { STORAGE_STATE_FILE } from './support/environment';
import { failOnPageErrors } from './support/page-errors';

const ALL_ORGS = ['OrdererMSP', 'HospitalMSP', 'InsurerMSP', 'RegulatorMSP'];
const HOSPITAL_PEER = 'peer0.hospital.medfabric.local';
const INSURER_PEER = 'peer0.insurer.medfabric.local';

test.use({ storageState: STORAGE_STATE_FILE });

test('the expiry radar lists the local and the channel certificates of the sandbox', async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(realConsole.url);
  await app.actAs('HospitalMSP');
  const certificates = await app.openCertificates();

  await test.step('a fresh sandbox: every certificate ok, the timeline counts each one once', async () => {
    await expect(page.getByTestId('expiry-radar')).toBeVisible({ timeout: 30_000 });
    const ok = await certificates.radarCount('ok');
    // 4 orgs × (CA, TLS CA, admin signing + TLS) + 4 nodes × (signing + TLS) at the very least.
    expect(ok).toBeGreaterThanOrEqual(24);
    for (const status of ['warn', 'critical', 'expired'] as const)
      expect(await certificates.radarCount(status)).toBe(0);
    expect(await certificates.bucketTotal()).toBe(ok);
    await expect(page.getByTestId('expiry-all-clear')).toBeVisible();
    await expect(page.getByTestId('inventory-problems')).toHaveCount(0);
  });

  await test.step('local rows: every node TLS certificate, grouped by holder', async () => {
    for (const node of [HOSPITAL_PEER, INSURER_PEER, 'orderer0.orderer.medfabric.local']) {
      await expect(
        certificates.localRows.filter({ hasText: node }).filter({ hasText: 'tls-server' }),
      ).toHaveCount(1);
    }
  });

  await test.step('channel rows: every org MSP and the Raft consenter', async () => {
    for (const mspId of ALL_ORGS)
      await expect(certificates.channelRows.filter({ hasText: `${mspId} MSP` }).first()).toBeVisible();
    await expect(certificates.channelRows.filter({ hasText: 'consenter 127.0.0.1:' }).first()).toBeVisible();
    // The channel's CA certificates are the ones on disk: same serial in both groups.
    const channelCa = certificates.channelRows.filter({ hasText: 'HospitalMSP MSP' }).first();
    const serial = await channelCa.getAttribute('data-serial');
    await expect(certificates.localRows.and(page.locator(`[data-serial="${serial}"]`))).toHaveCount(1);
  });

  await test.step('the filter narrows both groups', async () => {
    const before = await certificates.localRows.count();
    await page.getByTestId('certificates-filter').fill('insurer');
    await expect.poll(() => certificates.localRows.count()).toBeLessThan(before);
    for (const row of await certificates.localRows.all()) await expect(row).toContainText(/insurer/i);
    await page.getByTestId('certificates-filter').fill('');
    await expect(certificates.localRows).toHaveCount(before);
  });
  await app.screenshot(testInfo, 'certificates-radar');
  checkErrors();
});

test("renewing the hospital peer's TLS certificate restarts it with a new serial and its ledger intact", async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(4 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(realConsole.url);
  await app.actAs('HospitalMSP');
  const certificates = await app.openCertificates();
  await expect(certificates.nodeRow(HOSPITAL_PEER)).toBeVisible({ timeout: 30_000 });
  // The hospital renews its own nodes only.
  await expect(certificates.nodeRow(INSURER_PEER).getByTestId('renew-tls')).toBeDisabled();

  const oldSerial = await certificates.nodeSerial(HOSPITAL_PEER, 'tls');
  expect(oldSerial).toMatch(/^[0-9A-F]+$/);
  const result = await certificates.renew(HOSPITAL_PEER, 'tls');

  await test.step('old and new serials, the ledger height before and after the restart', async () => {
    await expect(result.getByTestId('renewal-old-serial')).toHaveText(oldSerial);
    const newSerial = (await result.getByTestId('renewal-new-serial').textContent())?.trim() ?? '';
    expect(newSerial).toMatch(/^[0-9A-F]+$/);
    expect(newSerial).not.toBe(oldSerial);
    await expect(result).toContainText('and restarted it');
    const before = Number(await result.getByTestId('renewal-height-before').textContent());
    const after = Number(await result.getByTestId('renewal-height-after').textContent());
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThanOrEqual(before);
    // The inventory was read again: the table shows the new certificate, the peer runs.
    await expect(certificates.nodeRow(HOSPITAL_PEER).getByTestId('node-cert-tls')).toHaveAttribute(
      'data-serial',
      newSerial,
    );
    await expect(
      certificates.localRows.filter({ hasText: HOSPITAL_PEER }).filter({ hasText: 'tls-server' }),
    ).toHaveAttribute('data-serial', newSerial);
    await expect(certificates.nodeRow(HOSPITAL_PEER).locator('[data-state]').first()).toHaveAttribute(
      'data-state',
      'running',
    );
  });
  await app.screenshot(testInfo, 'certificates-renewed');

  await test.step('the restarted peer serves the channel again (Overview: healthy, heights agree)', async () => {
    const overview = await app.openOverview();
    await overview.expectAllHealthyAndInSync(4);
  });
  checkErrors();
});

test("the hospital's Fabric CA registers, enrolls, re-enrolls and revokes; its CRL goes to the channel", async ({
  app,
  page,
  realConsole,
}, testInfo) => {
  test.setTimeout(4 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(realConsole.url);
  await app.actAs('HospitalMSP');
  const certificates = await app.openCertificates();
  await expect(page.getByTestId('ca-status')).toHaveAttribute('data-state', 'running', { timeout: 30_000 });

  const nurse = `nurse-e2e-${Date.now().toString(36)}`;
  await certificates.register(nurse, 'nurse');
  await certificates.enrollRegistered(nurse);
  const row = certificates.caIdentityRow(nurse);
  await expect(row).toContainText('role=nurse');
  await expect(row).toHaveAttribute('data-revoked', 'false');
  await app.screenshot(testInfo, 'fabric-ca-enrolled');

  await test.step('the enrolled nurse is one of the hospital identities', async () => {
    const identities = await app.openIdentities();
    await identities.expectIdentity('HospitalMSP', nurse, 'nurse');
    await app.openCertificates();
  });

  await test.step('re-enrolling issues a new certificate', async () => {
    const serialBefore = (await row.getByTestId('ca-identity-serial').textContent())?.trim() ?? '';
    await row.getByTestId('ca-reenroll').click();
    await expect(page.getByTestId('ca-reenrolled')).toContainText(nurse, { timeout: 30_000 });
    await expect(row.getByTestId('ca-identity-serial')).not.toHaveText(serialBefore);
  });

  const revokedBefore = Number(await page.getByTestId('ca-revoked-count').getAttribute('data-count'));
  await certificates.revoke(nurse, 'keycompromise');
  await expect(page.getByTestId('ca-revoked-count')).toHaveAttribute('data-count', String(revokedBefore + 2));

  await test.step('publishing the CRL proposes a bundle the hospital admin alone can submit', async () => {
    await page.getByTestId('ca-publish-crl').click();
    await expect(page.getByTestId('crl-publication')).toContainText(`${revokedBefore + 2} revoked serials`, {
      timeout: 30_000,
    });
    await page.getByTestId('crl-open-updates').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Channel updates' })).toBeVisible();
    const updates = new ChannelUpdatesPage(page);
    await updates.expectReview(['HospitalMSP'], []);
    await app.screenshot(testInfo, 'fabric-ca-crl-bundle');
    await updates.submit();
  });
  checkErrors();
});
