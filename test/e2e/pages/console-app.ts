import { expect, test, type Locator, type Page } from '@playwright/test';
import { NodesPage } from './nodes-page';
import { OverviewPage } from './overview-page';

/** The console shell: sign-in, navigation and the live-update indicator. */
export class ConsoleApp {
  readonly liveUpdates: Locator;

  constructor(readonly page: Page) {
    this.liveUpdates = page.getByTestId('events-connection');
  }

  async signIn(loginUrl: string): Promise<OverviewPage> {
    await test.step('sign in with the login URL', async () => {
      await this.page.goto(loginUrl);
      await expect(this.page).toHaveURL(/\/(#\/)?$/);
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
    await test.step('open Overview', async () => {
      await this.page.getByTestId('nav-overview').click();
      await expect(this.page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    });
    return new OverviewPage(this.page);
  }

  async openNodes(): Promise<NodesPage> {
    await test.step('open Nodes', async () => {
      await this.page.getByTestId('nav-nodes').click();
      await expect(this.page.getByRole('heading', { level: 1, name: 'Nodes' })).toBeVisible();
    });
    return new NodesPage(this.page);
  }
}
