import { expect, test, type Locator, type Page } from '@playwright/test';

export class OverviewPage {
  readonly networkState: Locator;
  readonly errorNotice: Locator;

  constructor(readonly page: Page) {
    this.networkState = page.getByTestId('network-state');
    this.errorNotice = page.getByTestId('error-notice');
  }

  nodeRow(nodeId: string): Locator {
    return this.page.locator(`[data-testid="node-row"][data-node-id="${nodeId}"]`);
  }

  async expectNetworkState(state: string): Promise<void> {
    await test.step(`network is ${state}`, async () => {
      await expect(this.networkState).toHaveAttribute('data-state', state);
    });
  }

  async expectNodes(nodeIds: string[]): Promise<void> {
    await test.step(`nodes listed: ${nodeIds.join(', ')}`, async () => {
      await expect(this.page.getByTestId('node-row')).toHaveCount(nodeIds.length);
      for (const nodeId of nodeIds) await expect(this.nodeRow(nodeId)).toBeVisible();
    });
  }

  async expectNodeState(nodeId: string, state: string): Promise<void> {
    await test.step(`${nodeId} is ${state}`, async () => {
      await expect(this.nodeRow(nodeId).getByTestId('node-state')).toHaveText(state);
    });
  }

  async expectPeerHeight(peerId: string, height: number): Promise<void> {
    await test.step(`${peerId} is at block height ${height}`, async () => {
      const row = this.page.getByTestId('peer-height-row').filter({ hasText: peerId });
      await expect(row.locator('td').first()).toHaveText(String(height));
    });
  }

  async expectChaincode(name: string): Promise<void> {
    await test.step(`chaincode ${name} is listed`, async () => {
      await expect(this.page.getByTestId('chaincode-row').filter({ hasText: name })).toBeVisible();
    });
  }

  async expectError(code: string, remedy: RegExp): Promise<void> {
    await test.step(`an ${code} error explains what to do`, async () => {
      await expect(this.errorNotice).toHaveAttribute('data-error-code', code);
      await expect(this.errorNotice).toContainText(remedy);
    });
  }

  /** Every node running and healthy, every peer at the same height (status refreshes every 5 s). */
  async expectAllHealthyAndInSync(minimumNodes: number): Promise<void> {
    await test.step('every node is healthy and all peers are at the same height', async () => {
      const rows = this.page.getByTestId('node-row');
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(minimumNodes);
      const healthy = this.page.getByTestId('node-health').filter({ hasText: /^Healthy$/ });
      await expect
        .poll(async () => (await healthy.count()) === (await rows.count()), { timeout: 60_000 })
        .toBe(true);
      await expect(this.page.getByTestId('heights-summary')).toHaveAttribute('data-agree', 'true', {
        timeout: 60_000,
      });
    });
  }

  /** A newcomer's Overview: every peer at the consortium orderer's height; returns that height. */
  async expectCaughtUpWithConsortium(timeoutMs: number): Promise<number> {
    return test.step("the newcomer's peer reaches the orderer's height", async () => {
      const status = this.page.getByTestId('join-status');
      await expect(status).toHaveAttribute('data-caught-up', 'true', { timeout: timeoutMs });
      const ordererHeight = Number(await this.page.getByTestId('join-orderer-height').textContent());
      expect(ordererHeight).toBeGreaterThan(0);
      for (const cell of await this.page.getByTestId('join-peer-height').all())
        await expect(cell).toHaveText(String(ordererHeight));
      return ordererHeight;
    });
  }
}
