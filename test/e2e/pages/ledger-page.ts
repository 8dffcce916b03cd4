import { expect, test, type Locator, type Page } from '@playwright/test';

/** The block browser, block, transaction and claim pages. */
export class LedgerPage {
  readonly root: Locator;
  readonly blockRows: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('ledger-page');
    this.blockRows = page.getByTestId('block-row');
  }

  async open(): Promise<void> {
    await test.step('open Ledger', async () => {
      await this.page.getByTestId('nav-ledger').click();
      await expect(this.root).toBeVisible();
      await expect(this.page.getByTestId('ledger-status')).toBeVisible();
    });
  }

  async expectCaughtUp(height: number): Promise<void> {
    await test.step(`the index holds ${height} blocks, as the peer`, async () => {
      await expect(this.page.getByTestId('indexed-height')).toHaveText(String(height));
      await expect(this.page.getByTestId('peer-height')).toHaveText(String(height));
    });
  }

  async search(query: string): Promise<void> {
    await test.step(`search the index for ${query}`, async () => {
      await this.page.getByTestId('ledger-search').fill(query);
      await this.page.getByTestId('ledger-search-submit').click();
    });
  }

  async olderPage(): Promise<void> {
    await test.step('page to older blocks', async () => {
      const first = await this.blockRows.first().getAttribute('data-block');
      await this.page.getByTestId('blocks-older').click();
      await expect(this.blockRows.first()).not.toHaveAttribute('data-block', first ?? '');
    });
  }

  async expectBlockPage(number: number, headerHash: string): Promise<void> {
    await test.step(`block ${number} is shown with its header hash`, async () => {
      await expect(this.page.getByTestId('block-title')).toHaveText(`Block ${number}`);
      await expect(this.page.getByTestId('block-header-hash')).toHaveText(headerHash);
    });
  }
}
