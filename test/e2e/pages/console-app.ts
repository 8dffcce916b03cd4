import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { CertificatesPage } from './certificates-page';
import { ChaincodePage } from './chaincode-page';
import { ChannelPage } from './channel-page';
import { ChannelUpdatesPage } from './channel-updates-page';
import { IdentitiesPage } from './identities-page';
import { NodesPage } from './nodes-page';
import { OverviewPage } from './overview-page';
import { WizardPage } from './wizard-page';

/** The console shell: sign-in, navigation and the live-update indicator. */
export class ConsoleApp {
  readonly liveUpdates: Locator;
  readonly actingOrg: Locator;

  constructor(readonly page: Page) {
    this.liveUpdates = page.getByTestId('events-connection');
    this.actingOrg = page.getByTestId('acting-org');
  }

  /** Opens the console with the session the global setup signed in. */
  async open(url: string): Promise<void> {
    await test.step('open the console', async () => {
      await this.page.goto(url);
      await expect(this.actingOrg).toBeVisible();
    });
  }

  async expectWizard(): Promise<WizardPage> {
    await test.step('the first-run wizard is shown', async () => {
      await expect(this.page).toHaveURL(/#\/welcome$/);
      await expect(
        this.page.getByRole('heading', { level: 1, name: 'Welcome to MedFabric Console' }),
      ).toBeVisible();
    });
    return new WizardPage(this.page);
  }

  /** Switches the acting org (sandbox only) and waits until the console acts as it. */
  async actAs(mspId: string): Promise<void> {
    await test.step(`act as ${mspId}`, async () => {
      await this.actingOrg.selectOption(mspId);
      await expect(this.actingOrg).toHaveValue(mspId);
      await expect(this.actingOrg).toBeEnabled();
    });
  }

  /** A full-page screenshot saved with the test's artifacts and attached to the report. */
  async screenshot(testInfo: TestInfo, name: string): Promise<void> {
    await test.step(`screenshot ${name}`, async () => {
      const file = testInfo.outputPath(`${name}.png`);
      await this.page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
    });
  }

  private async navigate(testId: string, heading: string): Promise<void> {
    await test.step(`open ${heading}`, async () => {
      await this.page.getByTestId(testId).click();
      await expect(this.page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    });
  }

  async openIdentities(): Promise<IdentitiesPage> {
    await this.navigate('nav-identities', 'Identities');
    return new IdentitiesPage(this.page);
  }

  async openCertificates(): Promise<CertificatesPage> {
    await this.navigate('nav-certificates', 'Certificates');
    return new CertificatesPage(this.page);
  }

  async openChannel(): Promise<ChannelPage> {
    await this.navigate('nav-channel', 'Channel');
    return new ChannelPage(this.page);
  }

  async openChannelUpdates(): Promise<ChannelUpdatesPage> {
    await this.navigate('nav-channel-updates', 'Channel updates');
    return new ChannelUpdatesPage(this.page);
  }

  async openChaincode(): Promise<ChaincodePage> {
    await this.navigate('nav-chaincode', 'Chaincode');
    return new ChaincodePage(this.page);
  }

  async signIn(loginUrl: string): Promise<OverviewPage> {
    await test.step('sign in with the login URL', async () => {
      await this.page.goto(loginUrl);
      await expect(this.page).toHaveURL(/\/(#\/(welcome)?)?$/);
      await expect(this.page).not.toHaveURL(/token=/);
    });
    return new OverviewPage(this.page);
  }

  async expectLiveUpdates(): Promise<void> {
    await test.step('live updates are connected', async () => {
      await expect(this.liveUpdates).toHaveAttribute('data-connection', 'open');
    });
  }

  async openOverview(): Promise<OverviewPage> {
    await this.navigate('nav-overview', 'Overview');
    return new OverviewPage(this.page);
  }

  async openNodes(): Promise<NodesPage> {
    await this.navigate('nav-nodes', 'Nodes');
    return new NodesPage(this.page);
  }
}
