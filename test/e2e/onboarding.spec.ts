// Onboarding on the REAL network the real-network project brought up: a SECOND console (its own
// empty state directory and ports, started by the global setup) joins the consortium through the
// wizard. It exports its join package; the first console's members check it, propose adding the
// org, sign and submit the update on the Channel updates page; the newcomer then joins its peer,
// which catches up with the consortium's orderer. Joining before the update is refused in words.
// Afterwards the org is removed again and the newcomer's nodes stopped, so later projects find the
// channel as before.
import type { Browser } from '@playwright/test';
import { createCertificateAuthority, issueCertificate } from '../../electron/services/pki';
import { expect, test } from './fixtures';
import { ConsoleApp } from './pages/console-app';
import { JoinWizardPage } from './pages/join-wizard-page';
import { OverviewPage } from './pages/overview-page';
import {
  NEWCOMER_STORAGE_STATE_FILE,
  STORAGE_STATE_FILE,
  newcomerConsole,
  realConsole,
} from './support/environment';
import { failOnPageErrors } from './support/page-errors';

const NEWCOMER = { orgName: 'ClinicOrg', mspId: 'ClinicMSP', domain: 'clinic.medfabric.local' };
const JOIN_TIMEOUT_MS = 6 * 60_000;

test.describe.configure({ mode: 'serial' });

interface Envelope<T> {
  result?: T;
  error?: { code: string; message: string };
}

async function callApi<T>(
  target: { url: string; token: string },
  channel: string,
  args: object = {},
): Promise<T> {
  const response = await fetch(`${target.url}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${target.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const envelope = (await response.json()) as Envelope<T>;
  if (envelope.error) throw new Error(`${channel}: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.result as T;
}

const member = <T>(channel: string, args: object = {}): Promise<T> =>
  callApi<T>(realConsole(), channel, args);

async function openConsole(browser: Browser, storageState: string, url: string): Promise<ConsoleApp> {
  const context = await browser.newContext({ storageState });
  const page = await context.newPage();
  await page.goto(url);
  return new ConsoleApp(page);
}

/** The consortium's join information: its orderer endpoint and the orderer org's TLS CA. */
async function consortiumJoinInformation(): Promise<{ endpoint: string; tlsCaPem: string; channel: string }> {
  const definition = await member<{ ordererEndpoints: string[]; tlsCaCerts: string[] }>(
    'org:export-definition',
    { mspId: 'OrdererMSP' },
  );
  const context = await member<{ channel: string }>('console:context');
  const [endpoint] = definition.ordererEndpoints;
  const [tlsCaPem] = definition.tlsCaCerts;
  if (!endpoint || !tlsCaPem) throw new Error('the orderer org exports no endpoint or TLS CA');
  return { endpoint, tlsCaPem, channel: context.channel };
}

interface ChannelOrgs {
  orgs: Array<{ mspId: string }>;
}

async function channelHas(mspId: string): Promise<boolean> {
  const config = await member<ChannelOrgs>('channel:config');
  return config.orgs.some((org) => org.mspId === mspId);
}

/** Removes the newcomer's org from the channel through the API: proposed, signed by a majority, submitted. */
async function removeNewcomerOrg(): Promise<void> {
  if (!(await channelHas(NEWCOMER.mspId))) return;
  await member('console:set-acting-org', { mspId: 'HospitalMSP' });
  let bundle = await member<{ bundleJson: string }>('channel:propose-update', {
    edit: { kind: 'remove-org', mspId: NEWCOMER.mspId },
    description: `E2E: remove ${NEWCOMER.mspId} again`,
  });
  // MAJORITY of the four application orgs: the hospital (proposer), the insurer and the regulator.
  for (const mspId of ['InsurerMSP', 'RegulatorMSP']) {
    await member('console:set-acting-org', { mspId });
    bundle = await member<{ bundleJson: string }>('channel:sign-bundle', { bundle: bundle.bundleJson });
  }
  await member('channel:submit-bundle', { bundle: bundle.bundleJson });
  await member('console:set-acting-org', { mspId: 'HospitalMSP' });
}

test.afterAll(async () => {
  // The newcomer's peer first (it follows the orderer), then the channel as the other projects expect it.
  await callApi(newcomerConsole(), 'network:down');
  await removeNewcomerOrg();
  expect(await channelHas(NEWCOMER.mspId)).toBe(false);
});

test('a newcomer joins the consortium through the wizard; the members add it with a signed channel update', async ({
  browser,
}, testInfo) => {
  test.setTimeout(20 * 60_000);
  const join = await consortiumJoinInformation();
  const newcomer = await openConsole(browser, NEWCOMER_STORAGE_STATE_FILE, newcomerConsole().url);
  const checkNewcomerErrors = failOnPageErrors(newcomer.page, testInfo, 'newcomer');
  const wizard = new JoinWizardPage(newcomer.page);
  await newcomer.expectWizard();
  await newcomer.screenshot(testInfo, 'onboarding-1-wizard');

  const settings = {
    ...NEWCOMER,
    role: 'hospital' as const,
    channel: join.channel,
    ordererEndpoints: [join.endpoint],
    ordererMspId: 'OrdererMSP',
  };
  await wizard.start();
  await test.step("an orderer node's own TLS certificate (not a CA certificate) is refused", async () => {
    const ca = await createCertificateAuthority({
      commonName: 'tlsca.elsewhere.local',
      organization: 'Elsewhere',
    });
    const leaf = await issueCertificate(ca, {
      kind: 'tls',
      commonName: 'orderer0.elsewhere.local',
      organization: 'Elsewhere',
      sans: { dns: ['orderer0.elsewhere.local'] },
    });
    await wizard.fill({ ...settings, ordererTlsCaPem: leaf.certPem });
    await wizard.prepareRefused('is not a CA certificate (CA:TRUE missing)');
  });
  await wizard.fill({ ...settings, ordererTlsCaPem: join.tlsCaPem });
  await wizard.prepare(NEWCOMER.mspId);
  await newcomer.screenshot(testInfo, 'onboarding-2-prepared');
  const definitionFile = await wizard.downloadPackage(testInfo, `${NEWCOMER.mspId}.org-definition.json`);

  await wizard.expectJoinRefused(NEWCOMER.mspId);
  await newcomer.screenshot(testInfo, 'onboarding-3-join-refused-before-the-update');

  const consortium = await openConsole(browser, STORAGE_STATE_FILE, realConsole().url);
  const checkMemberErrors = failOnPageErrors(consortium.page, testInfo, 'member');
  await expect(consortium.actingOrg).toBeVisible();
  await test.step(`the consortium adds ${NEWCOMER.mspId}: hospital proposes, insurer signs and submits`, async () => {
    await consortium.actAs('HospitalMSP');
    const updates = await consortium.openChannelUpdates();
    await updates.proposeAddingOrg(definitionFile, NEWCOMER.mspId);
    await consortium.screenshot(testInfo, 'onboarding-4-add-org-proposed');
    const proposed = await updates.downloadProposal(testInfo, 'add-clinic-1-hospital.bundle.json');

    await consortium.actAs('InsurerMSP');
    await updates.upload(proposed);
    await expect(updates.verdict).toHaveAttribute('data-satisfied', 'false');
    await expect(consortium.page.getByTestId('bundle-impact').first()).toContainText(NEWCOMER.mspId);
    await updates.sign('InsurerMSP');
    await updates.expectReview(['HospitalMSP', 'InsurerMSP'], []);
    await updates.submit();
    await consortium.screenshot(testInfo, 'onboarding-5-add-org-submitted');
    const channel = await consortium.openChannel();
    await channel.expectOrgs(['OrdererMSP', 'HospitalMSP', 'InsurerMSP', 'RegulatorMSP', NEWCOMER.mspId]);
    await consortium.actAs('HospitalMSP');
  });

  await wizard.joinTheChannel(JOIN_TIMEOUT_MS);
  const overview = new OverviewPage(newcomer.page);
  await overview.expectNetworkState('up');
  const height = await overview.expectCaughtUpWithConsortium(JOIN_TIMEOUT_MS);
  await test.step("the newcomer's height is the consortium peers' height", async () => {
    await expect
      .poll(
        async () =>
          Math.max(
            ...(await member<{ heights: Array<{ height: number }> }>('network:status')).heights.map(
              (h) => h.height,
            ),
          ),
        { timeout: 60_000 },
      )
      .toBe(height);
  });
  await newcomer.screenshot(testInfo, 'onboarding-6-newcomer-caught-up');

  await test.step('the newcomer takes its node down from Overview', async () => {
    await newcomer.page.getByTestId('network-down').click();
    await overview.expectNetworkState('down');
  });
  checkNewcomerErrors();
  checkMemberErrors();
});
