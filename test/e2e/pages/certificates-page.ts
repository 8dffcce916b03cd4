import { expect, test, type Locator, type Page } from '@playwright/test';

/** The Certificates page: expiry radar, inventory tables, node renewal and the Fabric CA panel. */
export class CertificatesPage {
  readonly localRows: Locator;
  readonly channelRows: Locator;
  readonly caPanel: Locator;

  constructor(readonly page: Page) {
    this.localRows = page.getByTestId('certificates-local').getByTestId('certificate-row');
    this.channelRows = page.getByTestId('certificates-channel').getByTestId('certificate-row');
    this.caPanel = page.getByTestId('fabric-ca-panel');
  }

  /** How many distinct certificates the radar counts with `status`. */
  async radarCount(status: 'ok' | 'warn' | 'critical' | 'expired'): Promise<number> {
    return Number(await this.page.getByTestId(`radar-count-${status}`).getAttribute('data-count'));
  }

  async bucketTotal(): Promise<number> {
    const counts = await this.page
      .getByTestId('radar-bucket')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-count'))));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  nodeRow(nodeId: string): Locator {
    return this.page.locator(`[data-testid="node-cert-row"][data-node-id="${nodeId}"]`);
  }

  async nodeSerial(nodeId: string, target: 'tls' | 'enrollment'): Promise<string> {
    return (await this.nodeRow(nodeId).getByTestId(`node-cert-${target}`).getAttribute('data-serial')) ?? '';
  }

  /** Renews from the page and waits for the result (the node restarts in between). */
  async renew(nodeId: string, target: 'tls' | 'enrollment'): Promise<Locator> {
    return test.step(`renew the ${target} certificate of ${nodeId}`, async () => {
      await this.nodeRow(nodeId).getByTestId(`renew-${target}`).click();
      const result = this.page.getByTestId('renewal-result');
      await expect(result).toHaveAttribute('data-node-id', nodeId, { timeout: 120_000 });
      return result;
    });
  }

  caIdentityRow(enrollmentId: string): Locator {
    return this.caPanel.locator(`[data-testid="ca-identity-row"][data-enrollment-id="${enrollmentId}"]`);
  }

  /** Registers through the CA panel and returns the one-time secret it shows. */
  async register(enrollmentId: string, role: string): Promise<string> {
    return test.step(`register ${enrollmentId} (${role}) with the Fabric CA`, async () => {
      await this.page.getByTestId('ca-register-id').fill(enrollmentId);
      await this.page.getByTestId('ca-register-role').selectOption(role);
      await this.page.getByTestId('ca-register').click();
      await expect(this.page.getByTestId('ca-registration')).toContainText(enrollmentId, { timeout: 30_000 });
      const secret = (await this.page.getByTestId('ca-secret').textContent())?.trim() ?? '';
      expect(secret.length).toBeGreaterThan(0);
      return secret;
    });
  }

  /** Enrolls with the secret the registration showed ("Enroll it now" fills the form). */
  async enrollRegistered(enrollmentId: string): Promise<void> {
    await test.step(`enroll ${enrollmentId} with its secret`, async () => {
      await this.page.getByTestId('ca-use-secret').click();
      await expect(this.page.getByTestId('ca-enroll-id')).toHaveValue(enrollmentId);
      await this.page.getByTestId('ca-enroll').click();
      await expect(this.page.getByTestId('ca-enrolled')).toContainText(enrollmentId, { timeout: 30_000 });
      await expect(this.caIdentityRow(enrollmentId)).toBeVisible();
    });
  }

  async revoke(enrollmentId: string, reason: string): Promise<void> {
    await test.step(`revoke ${enrollmentId} (${reason})`, async () => {
      const row = this.caIdentityRow(enrollmentId);
      await row.getByTestId('ca-revoke-reason').selectOption(reason);
      await row.getByTestId('ca-revoke').click();
      await expect(this.page.getByTestId('ca-revocation')).toContainText(enrollmentId, { timeout: 30_000 });
      await expect(row).toHaveAttribute('data-revoked', 'true');
    });
  }
}
