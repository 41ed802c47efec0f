import { describe, expect, it } from 'vitest';
import { chargeItemsCsv, csvCell, type BillingExportRow } from './billing-export.js';
import { FAKE_NPI } from './test-fixtures.js';

const row = (over: Partial<BillingExportRow> = {}): BillingExportRow => ({
  patientName: 'TESTPATIENT, ALPHA',
  mrn: 'MRN-TEST-0001',
  providerName: 'DOCTOR, EXAMPLE',
  npi: FAKE_NPI.rendering,
  dateOfService: '2026-03-02',
  code: '99214',
  modifiers: ['25'],
  units: 1,
  placeOfService: '11',
  authorization: null,
  ...over,
});

describe('chargeItemsCsv', () => {
  it('chargeItemsCsv, writes a header and one CRLF-terminated row per charge item', () => {
    expect(chargeItemsCsv([row(), row({ code: '81002', modifiers: [], authorization: 'AUTH1' })])).toBe(
      'Patient,MRN,Provider,NPI,Date of service,Code,Modifiers,Units,POS,Authorization\r\n' +
        '"TESTPATIENT, ALPHA",MRN-TEST-0001,"DOCTOR, EXAMPLE",1234567893,2026-03-02,99214,25,1,11,\r\n' +
        '"TESTPATIENT, ALPHA",MRN-TEST-0001,"DOCTOR, EXAMPLE",1234567893,2026-03-02,81002,,1,11,AUTH1\r\n',
    );
  });

  it('chargeItemsCsv, joins several modifiers with a space', () => {
    expect(chargeItemsCsv([row({ modifiers: ['59', 'LT'] })])).toContain(',59 LT,');
  });

  it('csvCell, quotes and doubles quotes, for commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('O"BRIEN')).toBe('"O""BRIEN"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('csvCell, prefixes a quote, for cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
  });

  it('chargeItemsCsv, neutralizes a formula in a patient name', () => {
    expect(chargeItemsCsv([row({ patientName: '=cmd' })]).split('\r\n')[1]).toMatch(/^'=cmd,/);
  });
});
