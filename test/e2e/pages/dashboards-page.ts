import { expect, test, type Download, type Locator, type Page } from '@playwright/test';

/** The acting org's dashboard: figures, charts, tables with CSV export, drill-down to claims. */
export class DashboardsPage {
  readonly root: Locator;
  readonly drillPanel: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('dashboards-page');
    this.drillPanel = page.getByTestId('drill-panel');
  }

  async open(): Promise<void> {
    await test.step('open Dashboards', async () => {
      await this.page.getByTestId('nav-dashboards').click();
      await expect(this.root).toBeVisible();
    });
  }

  async expectDashboard(kind: 'hospital' | 'insurer' | 'regulator'): Promise<void> {
    await test.step(`the ${kind} dashboard is shown`, async () => {
      await expect(this.root).toHaveAttribute('data-dashboard', kind);
      await expect(
        this.page.getByRole('heading', { level: 1, name: new RegExp(`${kind} dashboard`, 'i') }),
      ).toBeVisible();
      await expect(this.page.getByTestId('figures')).toBeVisible();
    });
  }

  async refresh(): Promise<void> {
    await test.step('refresh the dashboard', async () => {
      await this.page.getByTestId('dashboard-refresh').click();
      await expect(this.page.getByTestId('dashboard-refresh')).toBeEnabled();
    });
  }

  figure(id: string): Locator {
    return this.page.getByTestId(`figure-${id}`);
  }

  async expectFigure(id: string, value: number | string): Promise<void> {
    await test.step(`figure ${id} is ${value}`, async () => {
      await expect(this.figure(id)).toHaveAttribute('data-value', String(value));
    });
  }

  table(id: string): Locator {
    return this.page.getByTestId(`table-${id}`);
  }

  rows(id: string): Locator {
    return this.table(id).getByTestId('table-row');
  }

  chart(id: string): Locator {
    return this.page.getByTestId(`chart-${id}`);
  }

  /** Every row of a table as the cells' text, keyed by column. */
  async tableCells(id: string): Promise<Array<Record<string, string>>> {
    return this.rows(id).evaluateAll((rows) =>
      rows.map((row) =>
        Object.fromEntries(
          [...row.querySelectorAll('td[data-column]')].map((cell) => [
            cell.getAttribute('data-column') ?? '',
            (cell.textContent ?? '').trim(),
          ]),
        ),
      ),
    );
  }

  async exportCsv(id: string): Promise<{ download: Download; text: string }> {
    return test.step(`export ${id} as CSV`, async () => {
      const [download] = await Promise.all([
        this.page.waitForEvent('download'),
        this.page.getByTestId(`export-${id}`).click(),
      ]);
      const file = await download.path();
      const { readFile } = await import('node:fs/promises');
      return { download, text: await readFile(file, 'utf8') };
    });
  }

  async drillRow(tableId: string, rowText: RegExp): Promise<void> {
    await test.step(`drill down from the ${tableId} row ${rowText}`, async () => {
      await this.rows(tableId).filter({ hasText: rowText }).first().getByTestId('drill').click();
      await expect(this.drillPanel).toBeVisible();
      await expect(this.drillPanel.getByTestId('table-row').first()).toBeVisible();
    });
  }

  async drillFigure(id: string): Promise<void> {
    await test.step(`drill down from figure ${id}`, async () => {
      await this.figure(id).getByRole('button').click();
      await expect(this.drillPanel).toBeVisible();
    });
  }
}
