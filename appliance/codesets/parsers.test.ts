import { describe, expect, it } from 'vitest';
import {
  addonHeader,
  isoDate,
  parseAddonLine,
  parseHcpcsLine,
  parseIcd10OrderLine,
  parseMueLine,
  parsePtpLine,
  splitCsvLine,
} from './parsers.js';

describe('ICD-10-CM order file line', () => {
  it('reads order, code, billable flag, short and long description', () => {
    const short = 'Acute pharyngitis, unspecified'.padEnd(60);
    const r = parseIcd10OrderLine(`00012 J029    1 ${short} Acute pharyngitis, unspecified`, 12);
    expect(r).toEqual({
      record: {
        code: 'J029',
        billable: true,
        shortDesc: 'Acute pharyngitis, unspecified',
        longDesc: 'Acute pharyngitis, unspecified',
      },
    });
  });
  it('reads a header (flag 0)', () => {
    const r = parseIcd10OrderLine(`00010 J02     0 ${'Acute pharyngitis'.padEnd(60)} Acute pharyngitis`, 1);
    expect(r).toMatchObject({ record: { code: 'J02', billable: false } });
  });
  it('names the line of a malformed row', () => {
    const r = parseIcd10OrderLine('00004 E7800  X Pure hypercholesterolemia', 4);
    expect(r).toMatchObject({ diagnostic: { code: 'CODESET_MALFORMED', position: 4 } });
    expect('diagnostic' in r && r.diagnostic.message).toMatch(/^icd10 line 4:/);
  });
});

describe('HCPCS record line', () => {
  const rec = (code: string, rid: string, long: string, add = '', term = '') => {
    const a = Array<string>(320).fill(' ');
    const put = (s: number, v: string) => v.split('').forEach((ch, i) => (a[s + i] = ch));
    put(0, code);
    put(5, '00100');
    put(10, rid);
    put(11, long);
    put(91, 'Short');
    put(268, add);
    put(284, term);
    return a.join('');
  };
  it('reads code, record id, descriptions and dates by column', () => {
    expect(parseHcpcsLine(rec('G0202', '3', 'Screening mammography', '20020101', '20141231'), 1)).toEqual({
      record: {
        code: 'G0202',
        recordId: '3',
        longDesc: 'Screening mammography',
        shortDesc: 'Short',
        addDate: '2002-01-01',
        termDate: '2014-12-31',
      },
    });
  });
  it('rejects a bad record id or date with the line number', () => {
    expect(parseHcpcsLine(rec('G0202', '5', 'x'), 7)).toMatchObject({ diagnostic: { position: 7 } });
    expect(parseHcpcsLine(rec('G0202', '3', 'x', '2002XX01'), 8)).toMatchObject({
      diagnostic: { position: 8 },
    });
  });
});

describe('NCCI PTP line', () => {
  it('skips header text before the first data row and parses tab-separated edits', () => {
    expect(parsePtpLine('Column 1\tColumn 2\t*=in existence prior to 1996', 5, false)).toEqual({
      skip: true,
    });
    expect(parsePtpLine('93000\t93005\t*\t19960101\t*\t0\tMore extensive procedure', 6, false)).toEqual({
      record: {
        column1: '93000',
        column2: '93005',
        effectiveDate: '1996-01-01',
        deletionDate: null,
        modifierIndicator: '0',
      },
    });
    expect(parsePtpLine('69210\t11055\t\t20200101\t20230101\t1\tx', 7, true)).toMatchObject({
      record: { deletionDate: '2023-01-01' },
    });
  });
  it('rejects a malformed data row once data has started', () => {
    expect(parsePtpLine('17110\t11055\t\t2021-01-01\t*\t1\tx', 9, true)).toMatchObject({
      diagnostic: { position: 9 },
    });
    expect(parsePtpLine('17110\t11055\t\t20210101\t*\t2\tx', 9, true)).toMatchObject({
      diagnostic: { position: 9 },
    });
    expect(parsePtpLine('garbage', 10, true)).toMatchObject({ diagnostic: { position: 10 } });
  });
});

describe('MUE line', () => {
  it('reads code, value and the indicator digit from its text', () => {
    expect(
      parseMueLine('99213,1,"2 Date of Service Edit: Policy",Code Descriptor / CPT Instruction', 4, false),
    ).toEqual({
      record: {
        code: '99213',
        value: 1,
        adjudicationIndicator: '2',
        rationale: 'Code Descriptor / CPT Instruction',
      },
    });
    expect(parseMueLine('HCPCS/CPT Code,Practitioner Services MUE Values', 3, false)).toEqual({ skip: true });
  });
  it('rejects a non-numeric MUE value naming the line', () => {
    expect(parseMueLine('17110,one,"2 Date of Service Edit: Policy",x', 6, true)).toMatchObject({
      diagnostic: { position: 6 },
    });
  });
});

describe('add-on code line', () => {
  const cols = addonHeader(
    'Add-on Code\tPrimary Code\tAOC Type\tAOC Effective Date\tAOC Deletion Date\tPrimary Code Effective Date\tPrimary Code Deletion Date',
  )!;
  it('finds the columns by header name', () => {
    expect(cols).toMatchObject({
      addon: 0,
      primary: 1,
      type: 2,
      addonDeletion: 4,
      primaryDeletion: 6,
      delimiter: '\t',
    });
  });
  it('reads pairs, CCCCC as no fixed primary, and deleted pairs', () => {
    expect(parseAddonLine('99417\t99205\t1\t20210101\t*\t20210101\t*', 2, cols, '2025-01-01')).toEqual({
      record: { addon: '99417', primary: '99205', aocType: '1', deleted: false },
    });
    expect(parseAddonLine('99152\tCCCCC\t2\t20170101\t*\t\t', 3, cols, '2025-01-01')).toMatchObject({
      record: { primary: '' },
    });
    expect(
      parseAddonLine('99354\t99215\t1\t19960101\t20201231\t19960101\t20201231', 4, cols, '2025-01-01'),
    ).toMatchObject({
      record: { deleted: true },
    });
    expect(parseAddonLine('99417\t99205\t7', 5, cols, '2025-01-01')).toMatchObject({
      diagnostic: { position: 5 },
    });
  });
});

describe('helpers', () => {
  it('reads calendar dates only', () => {
    expect(isoDate('20250229')).toBeUndefined();
    expect(isoDate('20240229')).toBe('2024-02-29');
  });
  it('splits quoted CSV cells', () => {
    expect(splitCsvLine('a,"b, c","d ""e"""')).toEqual(['a', 'b, c', 'd "e"']);
  });
});
