import { expect, test, type Locator, type Page } from '@playwright/test';

export class ChaincodePage {
  constructor(readonly page: Page) {}

  row(name: string): Locator {
    return this.page.locator(`[data-testid="chaincode-info-row"][data-chaincode-name="${name}"]`);
  }

  async sequenceOf(name: string): Promise<number | undefined> {
    const row = this.row(name);
    if ((await row.count()) === 0) return undefined;
    const text = (await row.getByTestId('chaincode-sequence').textContent())?.trim() ?? '';
    return /^\d+$/.test(text) ? Number(text) : undefined;
  }

  /** Fills the deploy form, follows the progress and waits for the committed definition. */
  async deploy(folder: string, name: string, version: string, timeoutMs: number): Promise<void> {
    await test.step(`deploy ${name} ${version}`, async () => {
      await this.page.getByTestId('deploy-path').fill(folder);
      await this.page.getByTestId('deploy-name').fill(name);
      await this.page.getByTestId('deploy-version').fill(version);
      await this.page.getByTestId('deploy-chaincode').click();
      await expect(this.page.getByTestId('deploy-progress')).toBeVisible({ timeout: 60_000 });
      await expect(this.page.getByTestId('deploy-result')).toContainText(`${name}`, { timeout: timeoutMs });
    });
  }

  async expectCommitted(name: string, version: string, sequence: number, orgs: string[]): Promise<void> {
    await test.step(`${name} ${version} is committed at sequence ${sequence}`, async () => {
      const row = this.row(name);
      await expect(row.getByTestId('chaincode-version')).toHaveText(version);
      await expect(row.getByTestId('chaincode-sequence')).toHaveText(String(sequence));
      for (const mspId of orgs) {
        await expect(row.locator(`[data-testid="approval"][data-msp-id="${mspId}"]`)).toHaveAttribute(
          'data-approved',
          'true',
        );
      }
      await expect(row.getByTestId('chaincode-readiness')).toContainText('ready');
    });
  }
}
