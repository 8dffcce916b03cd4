import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';

/** The "Channel updates" page: propose, review, sign and submit bundle files; org definitions. */
export class ChannelUpdatesPage {
  readonly verdict: Locator;
  readonly signatures: Locator;
  readonly refusal: Locator;

  constructor(readonly page: Page) {
    this.verdict = page.getByTestId('bundle-verdict');
    this.signatures = page.getByTestId('bundle-signature');
    this.refusal = page.getByTestId('update-refusal');
  }

  signature(mspId: string): Locator {
    return this.page.locator(`[data-testid="bundle-signature"][data-msp-id="${mspId}"]`);
  }

  /** Proposes a batch timeout change; checks the impact preview and who must sign. */
  async proposeBatchTimeout(timeoutMs: number, from: string, requiredOrg: string): Promise<void> {
    await test.step(`propose batch timeout ${from} → ${timeoutMs}ms`, async () => {
      await this.page.getByTestId('propose-kind').selectOption('batch');
      // The form starts from the channel's current settings once they are read.
      await expect(this.page.getByTestId('current-batch-timeout')).toHaveText(`now ${from}`);
      await expect(this.page.getByTestId('batch-timeout-ms')).toBeEnabled();
      await this.page.getByTestId('batch-timeout-ms').fill(String(timeoutMs));
      await this.page.getByTestId('propose-description').fill(`E2E: batch timeout ${timeoutMs} ms`);
      await this.page.getByTestId('propose-submit').click();
      const result = this.page.getByTestId('proposal-result');
      await expect(result).toBeVisible({ timeout: 30_000 });
      await expect(this.page.getByTestId('proposal-impact').first()).toContainText(
        `BatchTimeout: ${from} → ${timeoutMs}ms`,
      );
      await expect(this.page.getByTestId('proposal-requirement').first()).toContainText(requiredOrg);
    });
  }

  /** Proposes an ACL change; checks the impact names the resource and who must sign. */
  async proposeAcl(resource: string, policy: string, requiredPolicy: string): Promise<void> {
    await test.step(`propose ACL ${resource} → ${policy}`, async () => {
      await this.page.getByTestId('propose-kind').selectOption('acl');
      await this.page.getByTestId('acl-resource').fill(resource);
      await this.page.getByTestId('acl-policy').fill(policy);
      await this.page.getByTestId('propose-description').fill(`E2E: ${resource} requires ${policy}`);
      await this.page.getByTestId('propose-submit').click();
      await expect(this.page.getByTestId('proposal-result')).toBeVisible({ timeout: 30_000 });
      await expect(this.page.getByTestId('proposal-impact').filter({ hasText: resource })).not.toHaveCount(0);
      await expect(
        this.page.getByTestId('proposal-requirement').filter({ hasText: requiredPolicy }),
      ).not.toHaveCount(0);
    });
  }

  /** Proposes a policy with a rule that does not parse; the refusal quotes the rule. */
  async proposeBrokenPolicy(name: string, rule: string): Promise<void> {
    await test.step(`propose policy ${name} = ${rule} (does not parse)`, async () => {
      await this.page.getByTestId('propose-kind').selectOption('policy');
      await this.page.getByTestId('policy-level').selectOption('Application');
      await this.page.getByTestId('policy-name').fill(name);
      await this.page.getByTestId('policy-rule').fill(rule);
      await this.page.getByTestId('propose-description').fill(`E2E: broken ${name}`);
      await this.page.getByTestId('propose-submit').click();
      await expect(this.refusal).toContainText(`invalid signature policy "${rule}"`);
    });
  }

  private async download(testId: string, testInfo: TestInfo, name: string): Promise<string> {
    return test.step(`download ${name}`, async () => {
      const downloading = this.page.waitForEvent('download');
      await this.page.getByTestId(testId).click();
      const download = await downloading;
      const file = testInfo.outputPath(name);
      await download.saveAs(file);
      await testInfo.attach(name, { path: file, contentType: 'application/json' });
      return file;
    });
  }

  downloadProposal(testInfo: TestInfo, name: string): Promise<string> {
    return this.download('download-proposal', testInfo, name);
  }

  downloadSigned(testInfo: TestInfo, name: string): Promise<string> {
    return this.download('download-signed', testInfo, name);
  }

  /** Uploads a bundle file (read by the page with the File API) and waits for its review. */
  async upload(file: string): Promise<void> {
    await test.step(`upload ${file.split('/').pop() ?? file}`, async () => {
      await this.page.getByTestId('bundle-upload').setInputFiles(file);
      await expect(this.verdict.or(this.refusal)).toBeVisible({ timeout: 30_000 });
    });
  }

  /** The review says the bundle verifies, lists the valid signers, and what is still missing. */
  async expectReview(signedBy: string[], missing: string[]): Promise<void> {
    await test.step(`review: signed by ${signedBy.join(', ')}; missing ${missing.join(', ') || 'nothing'}`, async () => {
      await expect(this.page.getByTestId('bundle-review')).toHaveAttribute('data-valid', 'true');
      await expect(this.signatures).toHaveCount(signedBy.length);
      for (const mspId of signedBy) await expect(this.signature(mspId)).toHaveAttribute('data-valid', 'true');
      if (missing.length > 0) {
        await expect(this.verdict).toHaveAttribute('data-satisfied', 'false');
        await expect(this.verdict).toContainText(
          `Still needed: a signature from an admin of ${missing.join(' or ')}`,
        );
        await expect(this.page.getByTestId('bundle-missing')).toContainText(missing.join(', '));
      } else {
        await expect(this.verdict).toHaveAttribute('data-satisfied', 'true');
        await expect(this.verdict).toContainText('can be submitted');
      }
    });
  }

  async sign(mspId: string): Promise<void> {
    await test.step(`sign as ${mspId}`, async () => {
      const button = this.page.getByTestId('bundle-sign');
      await expect(button).toHaveText(`Sign as ${mspId}`);
      await button.click();
      await expect(this.signature(mspId)).toHaveAttribute('data-valid', 'true', { timeout: 30_000 });
      await expect(this.page.getByTestId('download-signed')).toBeVisible();
      await expect(button).toBeDisabled();
      await expect(this.page.getByTestId('sign-refusal')).toContainText(`${mspId} has already signed`);
    });
  }

  /** Submitting without enough signatures is refused, listing whose are missing. */
  async expectSubmitRefused(missingOrg: string): Promise<void> {
    await test.step(`submitting is refused: ${missingOrg} has not signed`, async () => {
      await this.page.getByTestId('bundle-submit').click();
      await expect(this.refusal).toBeVisible({ timeout: 30_000 });
      await expect(this.refusal).toContainText('The update was not submitted');
      await expect(this.page.getByTestId('refusal-missing')).toContainText(missingOrg);
      await expect(this.page.getByTestId('submit-result')).toHaveCount(0);
    });
  }

  async submit(): Promise<void> {
    await test.step('submit to the ordering service', async () => {
      await this.page.getByTestId('bundle-submit').click();
      await expect(this.page.getByTestId('submit-result')).toContainText('Committed', { timeout: 90_000 });
      // The spent bundle is no longer offered for signing or submission.
      await expect(this.page.getByTestId('bundle-review')).toHaveCount(0);
      await expect(this.refusal).toHaveCount(0);
    });
  }

  /** Checks a newcomer's definition file, then proposes adding the org; shows who must sign. */
  async proposeAddingOrg(definitionFile: string, mspId: string): Promise<void> {
    await test.step(`check ${mspId}'s definition and propose adding it`, async () => {
      await this.page.getByTestId('definition-upload').setInputFiles(definitionFile);
      const check = this.page.getByTestId('definition-check');
      await expect(check).toHaveAttribute('data-valid', 'true', { timeout: 30_000 });
      await expect(check).toContainText(mspId);
      await expect(check).not.toContainText('already a member');
      await this.page.getByTestId('propose-add-org').click();
      await expect(this.page.getByTestId('propose-kind')).toHaveValue('add-org');
      await expect(this.page.getByTestId('add-org-definition')).toContainText(mspId);
      await this.page.getByTestId('propose-description').fill(`E2E: add ${mspId} to the channel`);
      await this.page.getByTestId('propose-submit').click();
      await expect(this.page.getByTestId('proposal-result')).toBeVisible({ timeout: 30_000 });
      await expect(this.page.getByTestId('proposal-impact').first()).toContainText(mspId);
    });
  }
}
