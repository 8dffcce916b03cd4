import { expect, test, type Locator, type Page } from '@playwright/test';

export class IdentitiesPage {
  readonly orgs: Locator;

  constructor(readonly page: Page) {
    this.orgs = page.getByTestId('identity-org');
  }

  org(mspId: string): Locator {
    return this.page.locator(`[data-testid="identity-org"][data-msp-id="${mspId}"]`);
  }

  identityRow(mspId: string, name: string): Locator {
    return this.org(mspId).locator(`[data-testid="identity-row"][data-identity-name="${name}"]`);
  }

  async expectOrgs(mspIds: string[]): Promise<void> {
    await test.step(`identities shown for ${mspIds.join(', ')}`, async () => {
      await expect(this.orgs).toHaveCount(mspIds.length);
      for (const mspId of mspIds) await expect(this.org(mspId)).toBeVisible();
    });
  }

  async issue(name: string, role: string): Promise<void> {
    await test.step(`enroll ${name} as ${role}`, async () => {
      await this.page.getByTestId('issue-name').fill(name);
      await this.page.getByTestId('issue-role').selectOption(role);
      await this.page.getByTestId('issue-identity').click();
      await expect(this.page.getByTestId('issued-notice')).toContainText(name, { timeout: 30_000 });
    });
  }

  /** The identity is listed with its role attribute and a certificate expiry date. */
  async expectIdentity(mspId: string, name: string, role: string): Promise<Date> {
    return test.step(`${name} is listed with its expiry`, async () => {
      const row = this.identityRow(mspId, name);
      await expect(row).toBeVisible();
      await expect(row.getByTestId('identity-ou')).toHaveText('client');
      await expect(row.getByTestId('identity-attributes')).toContainText(`role=${role}`);
      const expiry = row.getByTestId('identity-expiry').getByTestId('expiry-date');
      await expect(expiry).toBeVisible();
      const notAfter = await expiry.getAttribute('datetime');
      expect(notAfter).not.toBeNull();
      return new Date(notAfter ?? '');
    });
  }

  async exportDefinition(mspId: string): Promise<Record<string, unknown>> {
    return test.step(`export the org definition of ${mspId}`, async () => {
      await this.org(mspId).getByTestId('export-definition').click();
      const pre = this.org(mspId).getByTestId('org-definition').locator('pre');
      await expect(pre).toContainText(`"mspId": "${mspId}"`);
      return JSON.parse((await pre.textContent()) ?? '{}') as Record<string, unknown>;
    });
  }
}
