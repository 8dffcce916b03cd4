import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';

/** What a newcomer enters in the wizard's "Join an existing consortium" form. */
export interface JoinSettings {
  orgName: string;
  mspId: string;
  domain: string;
  role: 'hospital' | 'insurer';
  channel: string;
  ordererEndpoints: string[];
  ordererMspId: string;
  ordererTlsCaPem: string;
}

/** The first-run wizard's join flow: form, progress, join package, waiting step, joining. */
export class JoinWizardPage {
  readonly panel: Locator;
  readonly error: Locator;
  readonly joinNow: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('join-panel');
    this.error = page.getByTestId('join-error');
    this.joinNow = page.getByTestId('join-now');
  }

  /** Chooses "Join an existing consortium" on the wizard. */
  async start(): Promise<void> {
    await test.step('choose "Join an existing consortium"', async () => {
      await this.page.getByTestId('wizard-join').click();
      await expect(this.panel).toBeVisible();
    });
  }

  async fill(settings: JoinSettings): Promise<void> {
    await test.step(`fill in the join form for ${settings.mspId}`, async () => {
      await this.page.getByTestId('join-org-name').fill(settings.orgName);
      await this.page.getByTestId('join-msp-id').fill(settings.mspId);
      await this.page.getByTestId('join-domain').fill(settings.domain);
      await this.page.getByTestId('join-role').selectOption(settings.role);
      await this.page.getByTestId('join-channel').fill(settings.channel);
      await this.page.getByTestId('join-orderer-endpoints').fill(settings.ordererEndpoints.join(', '));
      await this.page.getByTestId('join-orderer-msp-id').fill(settings.ordererMspId);
      await this.page.getByTestId('join-tls-ca').fill(settings.ordererTlsCaPem);
    });
  }

  /** Creates the identities and the join package; the wizard moves on to the waiting step. */
  async prepare(mspId: string): Promise<void> {
    await test.step(`create ${mspId}'s identities and join package`, async () => {
      await this.page.getByTestId('join-prepare').click();
      await expect(this.page.getByTestId('wizard-step').filter({ hasText: 'Crypto material' })).toBeVisible({
        timeout: 60_000,
      });
      await expect(this.page.getByTestId('join-prepared')).toContainText(mspId, { timeout: 60_000 });
      await expect(this.page.getByTestId('join-waiting')).toBeVisible();
    });
  }

  /** A refused preparation (e.g. a TLS certificate that is not a CA certificate): the form stays. */
  async prepareRefused(message: string): Promise<void> {
    await test.step(`preparing is refused: ${message}`, async () => {
      await this.page.getByTestId('join-prepare').click();
      await expect(this.page.getByTestId('join-error-detail')).toContainText(message, { timeout: 30_000 });
      await expect(this.page.getByTestId('join-form')).toBeVisible();
    });
  }

  async downloadPackage(testInfo: TestInfo, fileName: string): Promise<string> {
    return test.step(`download ${fileName}`, async () => {
      const link = this.page.getByTestId('join-package-download');
      await expect(link).toHaveText(`Download ${fileName}`);
      const downloading = this.page.waitForEvent('download');
      await link.click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(fileName);
      const file = testInfo.outputPath(fileName);
      await download.saveAs(file);
      await testInfo.attach(fileName, { path: file, contentType: 'application/json' });
      return file;
    });
  }

  /** "Join the channel now" before the consortium added the org: refused, the wizard stays. */
  async expectJoinRefused(mspId: string): Promise<void> {
    await test.step('joining before the update is committed is refused in words', async () => {
      await this.joinNow.click();
      await expect(this.page.getByTestId('join-error-detail')).toContainText(
        `Ask a member to submit the update adding ${mspId}`,
        { timeout: 60_000 },
      );
      await expect(this.joinNow).toBeEnabled();
      await expect(this.page).toHaveURL(/#\/welcome$/);
    });
  }

  /** "Join the channel now" once the update is committed: the console lands on Overview. */
  async joinTheChannel(timeoutMs: number): Promise<void> {
    await test.step('join the channel now', async () => {
      await this.joinNow.click();
      await expect(this.page.getByTestId('wizard-step').filter({ hasText: 'Joining peer' })).toBeVisible({
        timeout: 60_000,
      });
      await expect(this.page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({
        timeout: timeoutMs,
      });
    });
  }
}
