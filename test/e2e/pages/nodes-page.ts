import { expect, test, type Locator, type Page } from '@playwright/test';

type NodeAction = 'start' | 'stop' | 'restart';

export class NodesPage {
  readonly logFilter: Locator;
  readonly logLines: Locator;
  readonly metricsPanel: Locator;

  constructor(readonly page: Page) {
    this.logFilter = page.getByTestId('log-filter');
    this.logLines = page.getByTestId('log-line');
    this.metricsPanel = page.getByTestId('metrics-panel');
  }

  nodeRow(nodeId: string): Locator {
    return this.page.locator(`[data-testid="node-row"][data-node-id="${nodeId}"]`);
  }

  async selectNode(nodeId: string): Promise<void> {
    await test.step(`select ${nodeId}`, async () => {
      await this.nodeRow(nodeId).getByTestId('node-select').click();
      await expect(this.page.getByRole('heading', { name: `Log of ${nodeId}` })).toBeVisible();
    });
  }

  /** Clicks the action and waits until the node reaches `settledState`. */
  async runAction(nodeId: string, action: NodeAction, settledState: string): Promise<void> {
    await test.step(`${action} ${nodeId}`, async () => {
      await this.nodeRow(nodeId).getByTestId(`node-${action}`).click();
      await expect(this.nodeRow(nodeId).getByTestId('node-state')).toHaveText(settledState, {
        timeout: 120_000,
      });
    });
  }

  async expectNodeState(nodeId: string, state: string): Promise<void> {
    await test.step(`${nodeId} is ${state}`, async () => {
      await expect(this.nodeRow(nodeId).getByTestId('node-state')).toHaveText(state);
    });
  }

  async expectRestarts(nodeId: string, restarts: number): Promise<void> {
    await test.step(`${nodeId} restarted ${restarts} time(s)`, async () => {
      await expect(this.nodeRow(nodeId).locator('td.numeric').last()).toHaveText(String(restarts));
    });
  }

  async filterLog(text: string): Promise<void> {
    await test.step(`filter the log by "${text}"`, async () => {
      await this.logFilter.fill(text);
    });
  }

  async expectLogLine(text: string): Promise<void> {
    await test.step(`log shows "${text}"`, async () => {
      await expect(this.logLines.filter({ hasText: text })).toHaveCount(1);
    });
  }

  async expectMetric(testId: string, text: RegExp): Promise<void> {
    await test.step(`metric ${testId} shows ${String(text)}`, async () => {
      await expect(this.metricsPanel.getByTestId(testId).first()).toContainText(text);
    });
  }
}
