import { expect, test, type Locator, type Page } from '@playwright/test';

export class ChannelPage {
  readonly orgRows: Locator;

  constructor(readonly page: Page) {
    this.orgRows = page.getByTestId('channel-org-row');
  }

  orgRow(mspId: string): Locator {
    return this.page.locator(`[data-testid="channel-org-row"][data-msp-id="${mspId}"]`);
  }

  async expectOrgs(mspIds: string[]): Promise<void> {
    await test.step(`the channel has ${mspIds.join(', ')}`, async () => {
      await expect(this.orgRows).toHaveCount(mspIds.length, { timeout: 30_000 });
      for (const mspId of mspIds) await expect(this.orgRow(mspId)).toBeVisible();
    });
  }

  async expectOrdererSettings(): Promise<void> {
    await test.step('orderer settings are decoded', async () => {
      await expect(this.page.getByTestId('consensus-type')).toContainText('etcdraft');
      await expect(this.page.getByTestId('batch-timeout')).toHaveText(/\d+(ms|s)/);
      await expect(this.page.getByTestId('consenter-row')).not.toHaveCount(0);
      await expect(this.page.getByTestId('capabilities-channel')).toContainText('V3_0');
    });
  }

  async expectBatchTimeout(timeout: string): Promise<void> {
    await test.step(`the batch timeout is ${timeout}`, async () => {
      await expect(this.page.getByTestId('batch-timeout')).toHaveText(timeout, { timeout: 30_000 });
    });
  }
}
