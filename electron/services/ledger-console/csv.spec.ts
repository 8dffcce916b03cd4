import { describe, expect, it } from 'vitest';
import { csvCell, csvFileName, tableToCsv } from './csv';

describe('CSV export', () => {
  it('quotes per RFC 4180 and neutralises spreadsheet formulas', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('@cmd')).toBe("'@cmd");
  });

  it('writes the header from the labels and exactly the rows given, CRLF-terminated', () => {
    const csv = tableToCsv({
      columns: [
        { key: 'hospital', label: 'Hospital', kind: 'text' },
        { key: 'paid', label: 'Paid', kind: 'amount' },
        { key: 'share', label: 'Share', kind: 'percent' },
      ],
      rows: [
        { cells: { hospital: 'HospitalMSP', paid: 123456, share: 0.25 } },
        { cells: { hospital: 'Hospital, "Two"', paid: null } },
      ],
    });
    expect(csv).toBe(
      'Hospital,Paid (minor units),Share\r\nHospitalMSP,123456,0.25\r\n"Hospital, ""Two""",,\r\n',
    );
  });

  it('names files after the dashboard, table and range only', () => {
    expect(csvFileName('regulator', 'alerts-by-rule', { from: '2025-01-01', to: '2025-03-31' })).toBe(
      'regulator-alerts-by-rule-2025-01-01-to-2025-03-31.csv',
    );
    expect(csvFileName('x/../y', 'a b', { from: '1', to: '2' })).toBe('x-..-y-a-b-1-to-2.csv');
  });
});
