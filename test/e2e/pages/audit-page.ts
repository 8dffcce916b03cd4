import { expect, test, type Locator, type Page } from '@playwright/test';

/** The integrity audit page: run, verdict, findings, report download. */
export class AuditPage {
  readonly root: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('audit-page');
    this.summary = page.getByTestId('audit-summary');
  }

  async open(): Promise<void> {
    await test.step('open Audit', async () => {
      await this.page.getByTestId('nav-audit').click();
      await expect(this.root).toBeVisible();
    });
  }

  async run(): Promise<void> {
    await test.step('run the live audit', async () => {
      await this.page.getByTestId('audit-run').click();
      await expect(this.summary).toBeVisible({ timeout: 120_000 });
    });
  }

  async download(kind: 'json' | 'html'): Promise<string> {
    return test.step(`download the ${kind.toUpperCase()} report`, async () => {
      const [download] = await Promise.all([
        this.page.waitForEvent('download'),
        this.page.getByTestId(`audit-download-${kind}`).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^ledger-audit-.*\\.${kind}$`));
      const { readFile } = await import('node:fs/promises');
      return readFile(await download.path(), 'utf8');
    });
  }
}
