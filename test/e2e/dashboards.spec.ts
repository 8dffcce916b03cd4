// Ledger index, dashboards, block browser and integrity audit on the REAL network the
// real-network project brought up. A KNOWN workload first (the seeded demo generator through real
// transactions, via the global setup's control endpoint); then each role's dashboard is compared
// with the ledger index itself (read-only SQLite) and with the workload, drill-down goes from a
// regulator alert to its block, and a CSV export holds exactly the rows shown.
import Database from 'better-sqlite3';
import { expect, test } from './fixtures';
import { AuditPage } from './pages/audit-page';
import { DashboardsPage } from './pages/dashboards-page';
import { LedgerPage } from './pages/ledger-page';
import { E2E_ENV, STORAGE_STATE_FILE, realConsole } from './support/environment';
import { failOnPageErrors } from './support/page-errors';

test.use({ storageState: STORAGE_STATE_FILE });
test.describe.configure({ mode: 'serial' });

interface DemoSummary {
  runTag: string;
  encounters: number;
  consents: { approved: number; revoked: number };
  accesses: number;
  claims: Record<string, number>;
}

interface LedgerStatus {
  indexFile: string;
  indexedHeight: number;
  peerHeight: number | null;
  state: string;
  peerId: string;
}

async function api<T>(channel: string, args: object = {}): Promise<T> {
  const { url, token } = realConsole();
  const response = await fetch(`${url}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const envelope = (await response.json()) as { result?: T; error?: { code: string; message: string } };
  if (envelope.error) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
  return envelope.result as T;
}

/** Waits until the acting org's index has caught up with its peer; returns the status. */
async function caughtUp(): Promise<LedgerStatus> {
  let status: LedgerStatus | undefined;
  await expect
    .poll(
      async () => {
        status = await api<LedgerStatus>('ledger:status');
        return status.peerHeight !== null && status.indexedHeight >= status.peerHeight;
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe(true);
  return status as LedgerStatus;
}

function sql<T>(file: string, query: string, ...params: unknown[]): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(query).get(...params) as T;
  } finally {
    db.close();
  }
}

function utcDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
/** The dashboards' default range: the last 90 days up to today (UTC). */
const RANGE = { from: utcDay(-89), to: utcDay(0) };

let demo: DemoSummary;

test.beforeAll(async () => {
  test.setTimeout(10 * 60_000);
  await api('console:set-acting-org', { mspId: 'HospitalMSP' });
  const control = process.env[E2E_ENV.controlUrl];
  if (!control) throw new Error(`${E2E_ENV.controlUrl} is not set: run through playwright.config.ts`);
  const response = await fetch(`${control}/demo`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${realConsole().token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ seed: 7, patients: 6 }),
    signal: AbortSignal.timeout(9 * 60_000),
  });
  const body = (await response.json()) as { summary?: DemoSummary; error?: string };
  if (!body.summary) throw new Error(`the demo workload failed: ${body.error ?? response.status}`);
  demo = body.summary;
});

test('the hospital dashboard shows its encounters, consents and accesses as the index holds them; CSV = rows shown', async ({
  app,
  page,
  realConsole: env,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  // The known workload: 6 encounters, 7 claims (one duplicate bill), 2 consents (1 revoked), 2 accesses.
  expect(demo).toMatchObject({ encounters: 6, consents: { approved: 2, revoked: 1 }, accesses: 2 });
  await app.open(env.url);
  await app.actAs('HospitalMSP');
  const status = await caughtUp();
  expect(status.peerId).toMatch(/^peer0\.hospital/);
  const index = status.indexFile;
  const mine = sql<{ records: number; claims: number }>(
    index,
    `SELECT (SELECT COUNT(*) FROM records WHERE record_id LIKE ?) AS records,
            (SELECT COUNT(*) FROM claims WHERE claim_id LIKE ?) AS claims`,
    `${demo.runTag}-%`,
    `${demo.runTag}-%`,
  );
  expect(mine).toEqual({ records: 6, claims: 7 });
  const expected = sql<{ encounters: number; accesses: number; emergency: number; claims: number }>(
    index,
    `SELECT (SELECT COUNT(*) FROM records WHERE hospital_msp_id = 'HospitalMSP' AND substr(recorded_at, 1, 10) BETWEEN @from AND @to) AS encounters,
            (SELECT COUNT(*) FROM access_events WHERE hospital_msp_id = 'HospitalMSP' AND substr(accessed_at, 1, 10) BETWEEN @from AND @to) AS accesses,
            (SELECT COUNT(*) FROM access_events WHERE hospital_msp_id = 'HospitalMSP' AND basis = 'emergency' AND substr(accessed_at, 1, 10) BETWEEN @from AND @to) AS emergency,
            (SELECT COUNT(*) FROM claims WHERE hospital_msp_id = 'HospitalMSP' AND substr(filed_at, 1, 10) BETWEEN @from AND @to) AS claims`,
    RANGE,
  );
  expect(expected.encounters).toBeGreaterThanOrEqual(6);

  const dashboards = new DashboardsPage(page);
  await dashboards.open();
  await dashboards.expectDashboard('hospital');
  await dashboards.expectFigure('encounters', expected.encounters);
  await dashboards.expectFigure('accesses', expected.accesses);
  await dashboards.expectFigure('emergency-accesses', expected.emergency);
  await dashboards.expectFigure('claims-filed', expected.claims);
  await expect(dashboards.chart('encounters-per-day').locator('rect').first()).toBeVisible();
  const byOrg = await dashboards.tableCells('accesses-by-org');
  expect(byOrg).toContainEqual({
    accessor: 'InsurerMSP',
    purpose: 'payment',
    basis: 'consent',
    accesses: String(expected.accesses - expected.emergency),
  });
  await app.screenshot(testInfo, 'dashboard-hospital');

  await test.step('CSV export holds exactly the rows shown', async () => {
    const shown = await dashboards.tableCells('encounters-per-day');
    const { download, text } = await dashboards.exportCsv('encounters-per-day');
    expect(download.suggestedFilename()).toBe(`hospital-encounters-per-day-${RANGE.from}-to-${RANGE.to}.csv`);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Day,Encounters,Outpatient,Inpatient,Emergency');
    expect(lines.slice(1)).toEqual(
      shown.map((row) => [row.day, row.encounters, row.outpatient, row.inpatient, row.emergency].join(',')),
    );
  });

  await test.step('a hospital cannot read the regulator dashboard', async () => {
    await expect(api('dashboard:regulator', RANGE)).rejects.toMatchObject({ code: 'forbidden' });
  });
  checkErrors();
});

test('the insurer dashboard shows the claim funnel, the review queue with evidence and the fund', async ({
  app,
  page,
  realConsole: env,
}, testInfo) => {
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(env.url);
  await app.actAs('InsurerMSP');
  const status = await caughtUp();
  expect(status.peerId).toMatch(/^peer0\.insurer/);
  const expected = sql<{ filed: number; paid: number; held: number }>(
    status.indexFile,
    `SELECT COUNT(*) AS filed, SUM(paid_at IS NOT NULL) AS paid, SUM(status = 'held') AS held FROM claims
      WHERE insurer_msp_id = 'InsurerMSP' AND substr(filed_at, 1, 10) BETWEEN @from AND @to`,
    RANGE,
  );
  const dashboards = new DashboardsPage(page);
  await dashboards.open();
  await dashboards.expectDashboard('insurer');
  await dashboards.refresh();
  await dashboards.expectFigure('claims-filed', expected.filed);
  await dashboards.expectFigure('claims-paid', expected.paid);
  await dashboards.expectFigure('review-queue', expected.held);
  // The duplicate bill of patient 5 waits in the review queue with its R1 evidence.
  const queue = dashboards.rows('review-queue').filter({ hasText: `${demo.runTag}-claim-5-again` });
  await expect(queue).toHaveCount(1);
  await expect(queue.locator('[data-column="alerts"]')).toContainText('R1:hold:open');
  await expect(queue.locator('[data-column="evidence"]')).toContainText(`${demo.runTag}-claim-5`);
  await expect(dashboards.chart('claim-funnel').locator('rect')).toHaveCount(5);
  await app.screenshot(testInfo, 'dashboard-insurer');
  checkErrors();
});

test('the regulator drills down from an alert to its claim, transaction and block; the block browser and audit agree', async ({
  app,
  page,
  realConsole: env,
}, testInfo) => {
  test.setTimeout(5 * 60_000);
  const checkErrors = failOnPageErrors(page, testInfo);
  await app.open(env.url);
  await app.actAs('RegulatorMSP');
  const status = await caughtUp();
  const expected = sql<{ filed: number; r1: number; invariant: number }>(
    status.indexFile,
    `SELECT (SELECT COUNT(*) FROM claims WHERE substr(filed_at, 1, 10) BETWEEN @from AND @to) AS filed,
            (SELECT COUNT(*) FROM alerts WHERE rule_id = 'R1' AND substr(raised_at, 1, 10) BETWEEN @from AND @to) AS r1,
            0 AS invariant`,
    RANGE,
  );
  expect(expected.r1).toBeGreaterThanOrEqual(1);
  const dashboards = new DashboardsPage(page);
  await dashboards.open();
  await dashboards.expectDashboard('regulator');
  await dashboards.refresh();
  await dashboards.expectFigure('claims-filed', expected.filed);
  await dashboards.expectFigure('fund-invariant', 'holds');
  await expect(dashboards.rows('alerts-by-rule').filter({ hasText: 'R1' })).not.toHaveCount(0);
  await expect(dashboards.rows('fund-invariant').first().locator('[data-column="status"]')).toHaveText('ok');
  await app.screenshot(testInfo, 'dashboard-regulator');

  const heldClaim = `${demo.runTag}-claim-5-again`;
  await dashboards.drillRow('alerts-by-rule', /R1/);
  const claimLink = dashboards.drillPanel.getByRole('link', { name: heldClaim });
  await expect(claimLink).toBeVisible();
  await app.screenshot(testInfo, 'dashboard-regulator-drill');

  const block = sql<{ block_number: number; header_hash: string }>(
    status.indexFile,
    `SELECT a.block_number, b.header_hash FROM alerts a JOIN blocks b ON b.number = a.block_number
      WHERE a.claim_id = ? AND a.rule_id = 'R1'`,
    heldClaim,
  );
  await test.step('from the claim to its alert and the alert to its block', async () => {
    await claimLink.click();
    await expect(page.getByTestId('claim-title')).toHaveText(`Claim ${heldClaim}`);
    await expect(page.getByTestId('claim-status')).toHaveText('held');
    const alert = page.getByTestId('claim-alert').filter({ hasText: 'R1' });
    await expect(alert).toContainText('hold');
    await expect(alert).toContainText(`${demo.runTag}-claim-5`);
    await app.screenshot(testInfo, 'claim-trail');
    await alert.getByTestId('alert-block-link').click();
  });
  const ledgerPage = new LedgerPage(page);
  await ledgerPage.expectBlockPage(block.block_number, block.header_hash);
  await expect(page.getByTestId('block-tx-row').filter({ hasText: 'Claims:FileClaim' })).not.toHaveCount(0);
  await app.screenshot(testInfo, 'block');

  await test.step('the filing transaction: creator, endorsers, validation, event', async () => {
    await page
      .getByTestId('block-tx-row')
      .filter({ hasText: 'medfabric.claim.held' })
      .first()
      .getByRole('link')
      .click();
    await expect(page.getByTestId('tx-validation')).toContainText('VALID (0)');
    await expect(page.getByTestId('tx-creator')).toContainText('HospitalMSP');
    await expect(page.getByTestId('tx-endorsers')).toContainText('RegulatorMSP');
    await expect(page.getByTestId('tx-event-payload')).toContainText(heldClaim);
    await app.screenshot(testInfo, 'transaction');
  });

  await ledgerPage.open();
  const fresh = await caughtUp();
  await ledgerPage.expectCaughtUp(fresh.peerHeight ?? -1);
  await expect(ledgerPage.blockRows.first()).toHaveAttribute(
    'data-block',
    String((fresh.peerHeight ?? 0) - 1),
  );
  await ledgerPage.olderPage();
  await ledgerPage.search(heldClaim);
  await expect(page.getByTestId('claim-title')).toHaveText(`Claim ${heldClaim}`);
  await ledgerPage.open();
  await app.screenshot(testInfo, 'ledger');

  const audit = new AuditPage(page);
  await audit.open();
  await audit.run();
  await expect(page.getByTestId('audit-verdict')).toHaveText('The chain verifies: no break found.');
  const json = JSON.parse(await audit.download('json')) as {
    ok: boolean;
    summary: { blocks: number; errors: number };
  };
  expect(json.ok).toBe(true);
  expect(json.summary.errors).toBe(0);
  expect(json.summary.blocks).toBeGreaterThanOrEqual(fresh.peerHeight ?? 0);
  expect(await audit.download('html')).toMatch(/<html/);
  await app.screenshot(testInfo, 'audit');
  checkErrors();
});
