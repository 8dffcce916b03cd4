import { expect, test, type Locator, type Page } from '@playwright/test';

/** The first-run wizard: create the sandbox consortium, or open an existing state directory. */
export class WizardPage {
  readonly createSandbox: Locator;
  readonly progress: Locator;

  constructor(readonly page: Page) {
    this.createSandbox = page.getByTestId('wizard-create-sandbox');
    this.progress = page.getByTestId('wizard-progress');
  }

  /** Clicks "Create the sandbox" and waits (minutes) until the console lands on Overview. */
  async createTheSandbox(timeoutMs: number): Promise<void> {
    await test.step('create the sandbox consortium', async () => {
      await this.createSandbox.click();
      await expect(this.progress).toBeVisible();
      await expect(this.page.getByTestId('wizard-step').first()).toBeVisible({ timeout: 60_000 });
      await expect(this.page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({
        timeout: timeoutMs,
      });
    });
  }
}
