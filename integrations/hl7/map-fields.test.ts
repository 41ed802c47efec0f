// Field-level mapping rules found by the audit of public HL7 samples: NM amounts, where the visit
// number is, DG1 priority and coding method, XCN repetitions and NPI checks, non-charge FT1 lines.
// Synthetic messages only: made-up names and ids, test NPI 1234567893.
import { describe, expect, it } from 'vitest';
import { toCents, toEnvelope } from './map.js';
import { dentalGeneric, generic25, validateProfile, type Hl7Profile } from './profiles.js';

const NPI = '1234567893';

/** One segment from field numbers to values: positions are explicit, never counted pipes. */
function seg(id: string, fields: Record<number, string>): string {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const out = [id];
  for (let n = 1; n <= max; n++) out.push(fields[n] ?? '');
  return out.join('|');
}

type Fields = Record<number, string>;

/** A DFT^P03 with one charge; each segment's fields can be changed, or the segment dropped (null). */
function dft(
  o: { pid?: Fields; pv1?: Fields | null; dg1?: Fields[]; ft1?: Fields[]; type?: string } = {},
): string {
  const segs = [
    `MSH|^~\\&|TESTEHR|TESTCLINIC|CLAIMBOX|BILLING|202601051430||${o.type ?? 'DFT^P03^DFT_P03'}|CTL-TEST-1|P|2.5.1`,
    'EVN|P03|202601051430',
    seg('PID', {
      1: '1',
      3: 'MRN-TEST-001^^^TESTCLINIC^MR',
      5: 'TESTPATIENT^ALPHA',
      7: '19800101',
      8: 'F',
      ...o.pid,
    }),
  ];
  if (o.pv1 !== null)
    segs.push(
      seg('PV1', { 1: '1', 2: 'O', 7: `${NPI}^TESTDOC^ONE`, 19: 'VISIT-TEST-001', 44: '20260105', ...o.pv1 }),
    );
  for (const d of o.dg1 ?? [{ 1: '1', 3: 'J02.9^Acute pharyngitis^I10', 6: 'F' }]) segs.push(seg('DG1', d));
  const ft1: Fields = {
    1: '1',
    4: '20260105',
    6: 'CG',
    7: '99213^Office visit est^CPT',
    10: '1',
    11: '125.00',
    20: `${NPI}^TESTDOC^ONE`,
    25: '99213^Office visit est^CPT',
  };
  for (const f of o.ft1 ?? [{}]) segs.push(seg('FT1', { ...ft1, ...f }));
  return segs.join('\r') + '\r';
}

const env = (text: string, profile: Hl7Profile = generic25) => toEnvelope(Buffer.from(text), 'mllp', profile);
const encounter = (text: string, profile: Hl7Profile = generic25) => {
  const r = env(text, profile);
  expect(r.envelope?.quarantine).toBeUndefined();
  return r.envelope!.encounter!;
};

describe('FT1-11/FT1-12 amounts (HL7 NM)', () => {
  it('reads a leading sign, a leading point and trailing zeros past the cents as money', () => {
    expect(toCents('+125.00')).toBe(12500);
    expect(toCents('.50')).toBe(50);
    expect(toCents('-.50')).toBe(-50);
    expect(toCents('125.000')).toBe(12500);
    expect(toCents('0125.5000')).toBe(12550);
    expect(toCents('.')).toBeUndefined();
    expect(toCents('+')).toBeUndefined();
    expect(toCents('1.2.3')).toBeUndefined();
  });

  it('maps a 3-decimal, signed or leading-point charge, when the digits past the cents are zero', () => {
    for (const [amount, cents] of [
      ['125.000', 12500],
      ['+125.00', 12500],
      ['.50', 50],
    ] as const)
      expect(encounter(dft({ ft1: [{ 11: amount }] })).procedures[0]!.chargeCents, amount).toBe(cents);
  });

  it('quarantines a charge with a fraction of a cent, saying it is refused rather than rounded', () => {
    const q = env(dft({ ft1: [{ 11: '125.005' }] })).envelope!.quarantine!;
    expect(q.code).toBe('HL7_BAD_AMOUNT');
    expect(q.reason).toMatch(/FT1-11 charge '125\.005' has fractions of a cent; refused rather than rounded/);
    expect(env(dft({ ft1: [{ 11: '', 12: '12x' }] })).envelope!.quarantine!.reason).toMatch(/FT1-12.*'12x'/);
  });
});

describe('visit number (profile visitNumber)', () => {
  it('takes PV1-50 alternate visit id, when PV1-19 is empty', () => {
    const enc = encounter(dft({ pv1: { 19: '', 50: 'ALT-VISIT-7' } }));
    expect(enc.source.visitNumber).toBe('ALT-VISIT-7');
  });

  it('prefers PV1-19 over PV1-50, when both are there', () => {
    expect(encounter(dft({ pv1: { 50: 'ALT-VISIT-7' } })).source.visitNumber).toBe('VISIT-TEST-001');
  });

  it('quarantines a DFT without PV1, naming the fields tried and an unused PID-18', () => {
    const q = env(dft({ pv1: null, pid: { 18: 'ACCT-TEST-9' } })).envelope!.quarantine!;
    expect(q.code).toBe('HL7_NO_VISIT_NUMBER');
    expect(q.reason).toMatch(/PV1-19\/PV1-50 visit number is empty/);
    expect(q.reason).toMatch(/PID-18 account number is present/);
  });

  it('takes PID-18 from a profile that names it, when the DFT has no PV1 (PV1 is optional in DFT_P03)', () => {
    const profile = { ...generic25, visitNumber: ['PV1-19', 'PV1-50', 'PID-18'] };
    const enc = encounter(dft({ pv1: null, pid: { 18: 'ACCT-TEST-9' } }), profile);
    expect(enc.source.visitNumber).toBe('ACCT-TEST-9');
    expect(enc.rendering.npi).toBe(NPI);
  });

  it('reads the MDM visit number from the same refs as the DFT', () => {
    const mdm = [
      'MSH|^~\\&|TESTEHR|TESTCLINIC|CLAIMBOX|BILLING|202601051700||MDM^T02^MDM_T02|CTL-MDM-1|P|2.5.1',
      'EVN|T02|202601051700',
      seg('PID', { 1: '1', 3: 'MRN-TEST-001^^^TESTCLINIC^MR', 5: 'TESTPATIENT^ALPHA' }),
      seg('PV1', { 1: '1', 2: 'O', 50: 'ALT-VISIT-7' }),
      seg('TXA', { 1: '1', 2: 'PN', 4: '202601051655', 17: 'AU' }),
    ].join('\r');
    expect(env(mdm, dentalGeneric).envelope!.finalizes?.visitNumber).toBe('ALT-VISIT-7');
  });

  it('refuses a profile with an empty or malformed visitNumber list', () => {
    expect(validateProfile({ ...generic25, visitNumber: [] })).toEqual([
      'generic-2.5.visitNumber: name at least one field',
    ]);
    expect(validateProfile({ ...generic25, visitNumber: ['PV1-x'] })).toHaveLength(1);
  });
});

describe('diagnoses (DG1)', () => {
  it('orders diagnoses by DG1-15 priority, 1 first, unranked ones after in segment order', () => {
    const enc = encounter(
      dft({
        dg1: [
          { 1: '1', 3: 'E11.9^Type 2 diabetes^I10', 6: 'F', 15: '2' },
          { 1: '2', 3: 'Z23^Immunization^I10', 6: 'F' },
          { 1: '3', 3: 'J02.9^Acute pharyngitis^I10', 6: 'F', 15: '1' },
        ],
        ft1: [{ 19: 'E11.9^Type 2 diabetes^I10' }],
      }),
    );
    expect(enc.diagnoses.map((d) => [d.seq, d.code])).toEqual([
      [1, 'J029'],
      [2, 'E119'],
      [3, 'Z23'],
    ]);
    expect(enc.procedures[0]!.diagnosisSeqs).toEqual([2]);
  });

  it('takes the coding system from DG1-2, when DG1-3.3 is empty: an ICD-9 V-code is not ICD-10', () => {
    const enc = encounter(
      dft({
        dg1: [
          { 1: '1', 2: 'I9', 3: 'V70.0^Routine general medical examination', 6: 'F' },
          { 1: '2', 2: 'ICD9', 3: 'E849.0^Place of occurrence home', 6: 'F' },
          { 1: '3', 2: 'I10', 3: 'J02.9^Acute pharyngitis', 6: 'F' },
        ],
        ft1: [{ 19: 'V70.0~J02.9' }],
      }),
    );
    expect(enc.diagnoses.map((d) => [d.system, d.code])).toEqual([
      ['LOCAL', 'V70.0'],
      ['LOCAL', 'E849.0'],
      ['ICD10', 'J029'],
    ]);
    // FT1-19 names no system: its codes are the DG1 ones as sent, not new ICD-10 guesses.
    expect(enc.procedures[0]!.diagnosisSeqs).toEqual([1, 3]);
  });

  it('leaves the code shape to decide, when DG1-2 holds a value the profile does not know', () => {
    const enc = encounter(dft({ dg1: [{ 1: '1', 2: 'I', 3: 'J11.1^Influenza', 6: 'F' }] }));
    expect(enc.diagnoses[0]).toMatchObject({ system: 'ICD10', code: 'J111' });
  });
});

describe('provider ids (XCN)', () => {
  const localThenNpi = `LOC77^TESTDOC^ONE^^^^^^^^^^PRN~${NPI}^TESTDOC^ONE^^^^^^NPI&2.16.840.1.113883.4.6&ISO^^^^NPI`;

  it('takes the repetition marked NPI (XCN-13 or XCN-9), not the first, in PV1-7 and FT1-20', () => {
    const viaPv1 = encounter(dft({ pv1: { 7: localThenNpi }, ft1: [{ 20: '' }] }));
    expect(viaPv1.rendering).toEqual({ npi: NPI, lastName: 'TESTDOC', firstName: 'ONE' });
    const viaFt1 = env(dft({ ft1: [{ 20: localThenNpi }] }));
    expect(viaFt1.envelope!.encounter!.rendering.npi).toBe(NPI);
    expect(viaFt1.diagnostics.some((d) => d.code === 'HL7_BAD_NPI')).toBe(false);
    const oidOnly = `LOC77^TESTDOC^ONE~${NPI}^TESTDOC^ONE^^^^^^&2.16.840.1.113883.4.6&ISO`;
    expect(encounter(dft({ ft1: [{ 20: oidOnly }] })).rendering.npi).toBe(NPI);
  });

  it('takes the repetition with a valid NPI check digit, when none is marked', () => {
    expect(encounter(dft({ ft1: [{ 20: `LOC77^TESTDOC^ONE~${NPI}^TESTDOC^ONE` }] })).rendering.npi).toBe(NPI);
  });

  it('warns at intake when the rendering or referring id is not an NPI, and still maps', () => {
    const r = env(dft({ pv1: { 8: 'REF9^TESTREF^TWO' }, ft1: [{ 20: 'LOC77^TESTDOC^ONE' }] }));
    expect(r.envelope!.encounter!.rendering.npi).toBe('LOC77');
    const bad = r.diagnostics.filter((d) => d.code === 'HL7_BAD_NPI');
    expect(bad.map((d) => [d.severity, d.field])).toEqual([
      ['warning', 'FT1-20'],
      ['warning', 'PV1-8'],
    ]);
    expect(bad[0]!.message).toMatch(/'LOC77' is not an NPI/);
  });
});

describe('FT1-6 transaction type (table 0017)', () => {
  it('says which FT1 was skipped and why, when no charge is left', () => {
    const q = env(dft({ ft1: [{ 6: 'C' }, { 1: '2', 6: 'PY' }] })).envelope!.quarantine!;
    expect(q.code).toBe('HL7_NO_PROCEDURES');
    expect(q.reason).toMatch(/FT1 #1 skipped: FT1-6 transaction type 'C' is not CG \(charge\)/);
    expect(q.reason).toMatch(/FT1 #2 skipped: FT1-6 transaction type 'PY' is a payment, not CG \(charge\)/);
  });

  it('takes a lower-case cg as a charge', () => {
    expect(encounter(dft({ ft1: [{ 6: 'cg' }] })).procedures).toHaveLength(1);
  });
});
