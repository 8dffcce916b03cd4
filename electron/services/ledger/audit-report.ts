// Exports an integrity audit report as JSON and as one self-contained HTML file (inline CSS, no
// scripts, no external resources; the JSON is embedded so the file alone carries the full report).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditReport } from './integrity-audit';

export function auditReportJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function short(hash: string): string {
  return hash.length > 20 ? `${hash.slice(0, 16)}…` : hash;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2330;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.verdict{display:inline-block;padding:.3rem .8rem;border-radius:4px;font-weight:600;color:#fff}
.ok{background:#1f7a3d}.broken{background:#b3261e}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border:1px solid #d5d9e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}td.mono,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
tr.error td{background:#fdecea}tr.warning td{background:#fff7e0}tr.bad td{background:#fdecea}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
footer{margin-top:2rem;color:#667085;font-size:12px}
`;

export function renderAuditReportHtml(report: AuditReport): string {
  const s = report.summary;
  const findings = report.findings.length
    ? `<table><thead><tr><th>Block</th><th>Check</th><th>Severity</th><th>What failed</th><th>Expected</th><th>Actual</th><th>Location</th></tr></thead><tbody>${report.findings
        .map(
          (f) =>
            `<tr class="${f.severity}"><td>${escapeHtml(f.blockNumber ?? '—')}</td><td>${escapeHtml(f.check)}</td><td>${escapeHtml(
              f.severity,
            )}</td><td>${escapeHtml(f.message)}</td><td class="mono">${escapeHtml(f.expected ?? '')}</td><td class="mono">${escapeHtml(
              f.actual ?? '',
            )}</td><td class="mono">${escapeHtml(f.location ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No findings: every check passed.</p>';
  const configs = report.configs
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.blockNumber)}</td><td>${escapeHtml(c.sequence)}</td><td>${escapeHtml(
          c.ordererMspIds.join(', '),
        )}</td><td>${escapeHtml(c.applicationMspIds.join(', '))}</td></tr>`,
    )
    .join('');
  const blocks = report.blocks
    .map(
      (b) =>
        `<tr class="${b.ok ? '' : 'bad'}"><td>${escapeHtml(b.number)}</td><td class="mono" title="${escapeHtml(b.headerHash)}">${escapeHtml(
          short(b.headerHash),
        )}</td><td class="mono" title="${escapeHtml(b.dataHash)}">${escapeHtml(short(b.dataHash))}</td><td>${escapeHtml(
          b.txCount,
        )}</td><td>${b.isConfig ? 'config' : ''}</td><td>${escapeHtml(b.validSignatures)} ${escapeHtml(
          b.signers.join(', '),
        )}</td><td>${b.ok ? 'ok' : 'FAILED'}</td></tr>`,
    )
    .join('');
  // Embedded JSON: '<' escaped so the data can never close the script element.
  const embedded = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Ledger integrity audit — ${escapeHtml(report.channel ?? report.source.description)}</title>
<style>${STYLE}</style></head><body>
<h1>Ledger integrity audit</h1>
<p><span class="verdict ${report.ok ? 'ok' : 'broken'}">${report.ok ? 'Chain intact' : `${s.errors} integrity error(s)`}</span></p>
<dl>
<dt>Source</dt><dd>${escapeHtml(report.source.kind)}: ${escapeHtml(report.source.description)}</dd>
${report.source.files.length ? `<dt>Files</dt><dd class="mono">${report.source.files.map(escapeHtml).join('<br>')}</dd>` : ''}
<dt>Channel</dt><dd>${escapeHtml(report.channel ?? 'unknown')}</dd>
<dt>Audited</dt><dd>${escapeHtml(report.startedAt)} – ${escapeHtml(report.finishedAt)}</dd>
<dt>Blocks</dt><dd>${escapeHtml(s.blocks)} (${escapeHtml(s.firstBlock ?? '—')} … ${escapeHtml(s.lastBlock ?? '—')}), ${escapeHtml(s.transactions)} transactions</dd>
<dt>Head hash</dt><dd class="mono">${escapeHtml(report.headHash ?? '—')}</dd>
<dt>Checks</dt><dd>${escapeHtml(s.headerLinksChecked)} header links, ${escapeHtml(s.dataHashesChecked)} data hashes, ${escapeHtml(
    s.signaturesVerified,
  )} orderer signatures verified on ${escapeHtml(s.signedBlocks)} signed blocks (${escapeHtml(s.unsignedBlocks)} unsigned), ${escapeHtml(
    s.configBlocks,
  )} config blocks</dd>
<dt>Findings</dt><dd>${escapeHtml(s.errors)} errors, ${escapeHtml(s.warnings)} warnings</dd>
</dl>
<h2>Findings</h2>${findings}
<h2>Channel configurations</h2>
<table><thead><tr><th>Block</th><th>Sequence</th><th>Orderer orgs</th><th>Application orgs</th></tr></thead><tbody>${configs}</tbody></table>
<h2>Blocks</h2>
<table><thead><tr><th>#</th><th>Header hash</th><th>Data hash</th><th>Txs</th><th></th><th>Orderer signatures</th><th>Status</th></tr></thead><tbody>${blocks}</tbody></table>
<footer>Header hash = SHA-256(DER(number, previous_hash, data_hash)); data hash = SHA-256 of the concatenated envelopes;
orderer signatures = ECDSA over metadata value ‖ signature header ‖ header bytes, by a certificate of an orderer org's CA in the channel config in force.</footer>
<script type="application/json" id="audit-report">${embedded}</script>
</body></html>
`;
}

export async function writeAuditReport(
  report: AuditReport,
  targets: { jsonFile?: string; htmlFile?: string },
): Promise<void> {
  for (const [file, body] of [
    [targets.jsonFile, auditReportJson(report)],
    [targets.htmlFile, renderAuditReportHtml(report)],
  ] as const) {
    if (!file) continue;
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(file, body);
  }
}
