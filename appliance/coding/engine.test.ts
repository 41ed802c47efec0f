import { describe, expect, it } from 'vitest';
import type { CodedEncounter, EncounterInput, ProcedureInput } from '../domain/types.js';
import type { CodeSets, Icd10Entry, MueEntry, PtpEdit } from '../ports.js';
import { codeEncounter, emptyCodeSets } from './engine.js';
import { readTableSetDir, tableSetDir } from './table-files.js';
import { buildCodingTables, type TableRow } from './tables.js';

const fmRows = readTableSetDir(tableSetDir('family-medicine')).value!;
const dentRows = readTableSetDir(tableSetDir('general-dentistry')).value!;
const fm = buildCodingTables(fmRows, 'family-medicine');
const dent = buildCodingTables(dentRows, 'general-dentistry');

function enc(over: Partial<EncounterInput> = {}): EncounterInput {
  return {
    kind: 'medical',
    source: { system: 'TEST', visitNumber: 'V1' },
    patient: { mrn: 'TEST0001', lastName: 'Testpatient', firstName: 'Alpha', dob: '1970-01-01', sex: 'F' },
    coverages: [{ order: 1, payerId: 'SAMPLE-PPO', payerName: 'PPO', memberId: 'M1', relationship: 'self' }],
    rendering: { npi: '1234567893', lastName: 'Sampledoc' },
    dateOfService: '2025-03-03',
    placeOfService: '11',
    diagnoses: [{ seq: 1, system: 'LOCAL', code: 'HTN' }],
    procedures: [],
    finalizedAt: '2025-03-03T12:00:00Z',
    ...over,
  };
}

function dental(procedures: ProcedureInput[]): EncounterInput {
  return enc({
    kind: 'dental',
    coverages: [
      { order: 1, payerId: 'SAMPLE-DENTAL', payerName: 'Dental', memberId: 'M1', relationship: 'self' },
    ],
    diagnoses: [],
    procedures,
  });
}

const payer = (payerId: string) => ({
  coverages: [{ order: 1 as const, payerId, payerName: 'x', memberId: 'M1', relationship: 'self' as const }],
});
const codes = (c: CodedEncounter) => c.lines.map((l) => l.code);
const reviewCodes = (c: CodedEncounter) => c.review.map((r) => r.code);
const em = (over: Partial<EncounterInput>, cs: CodeSets = emptyCodeSets) => codeEncounter(enc(over), fm, cs);

function fakeCodeSets(o: {
  icd10?: Record<string, Icd10Entry>;
  known?: string[];
  children?: Record<string, string[]>;
  ptp?: PtpEdit[];
  mue?: Record<string, MueEntry>;
  addons?: Record<string, string[]>;
}): CodeSets {
  return {
    hasIcd10: () => o.icd10 !== undefined,
    icd10: (c) => o.icd10?.[c],
    icd10Exists: (c) => o.icd10?.[c] !== undefined || (o.known ?? []).includes(c),
    icd10Children: (c) => o.children?.[c] ?? [],
    ptp: (a, b) => o.ptp?.find((e) => e.column1 === a && e.column2 === b),
    hasPtp: () => (o.ptp?.length ?? 0) > 0,
    mue: (c) => o.mue?.[c],
    addonPrimaries: (c) => o.addons?.[c],
  };
}

describe('E/M by total time (CPT 2024 "met or exceeded" thresholds)', () => {
  const cases: [EncounterInput['visitType'], number, string | undefined][] = [
    ['new', 14, undefined],
    ['new', 15, '99202'],
    ['new', 29, '99202'],
    ['new', 30, '99203'],
    ['new', 44, '99203'],
    ['new', 45, '99204'],
    ['new', 59, '99204'],
    ['new', 60, '99205'],
    ['new', 74, '99205'],
    ['established', 9, undefined],
    ['established', 10, '99212'],
    ['established', 19, '99212'],
    ['established', 20, '99213'],
    ['established', 29, '99213'],
    ['established', 30, '99214'],
    ['established', 39, '99214'],
    ['established', 40, '99215'],
    ['established', 54, '99215'],
  ];
  for (const [visitType, minutes, code] of cases)
    it(`codes ${code ?? 'nothing (review)'} for a ${visitType} patient at ${minutes} minutes`, () => {
      const c = em({ visitType, totalMinutes: minutes });
      if (code) {
        expect(codes(c)).toEqual([code]);
        expect(c.lines[0]!.why.some((w) => w.input.startsWith(`totalMinutes=${minutes}`))).toBe(true);
      } else expect(reviewCodes(c)).toContain('EM_TIME_BELOW_MINIMUM');
    });
});

describe('E/M by MDM, and MDM vs time', () => {
  it('maps each MDM level for new and established patients', () => {
    const levels = ['straightforward', 'low', 'moderate', 'high'] as const;
    expect(levels.map((mdm) => codes(em({ visitType: 'new', mdm }))[0])).toEqual([
      '99202',
      '99203',
      '99204',
      '99205',
    ]);
    expect(levels.map((mdm) => codes(em({ visitType: 'established', mdm }))[0])).toEqual([
      '99212',
      '99213',
      '99214',
      '99215',
    ]);
  });
  it('takes time when time supports the higher level', () => {
    const c = em({ visitType: 'established', mdm: 'low', totalMinutes: 42 });
    expect(codes(c)).toEqual(['99215']);
    expect(c.lines[0]!.why.map((w) => w.rule)).toContain('em.higher-of-mdm-or-time');
  });
  it('takes MDM when MDM supports the higher level', () => {
    expect(codes(em({ visitType: 'new', mdm: 'high', totalMinutes: 31 }))).toEqual(['99205']);
  });
  it('routes an office visit with neither MDM nor time to review', () => {
    const c = em({ visitType: 'established' });
    expect(reviewCodes(c)).toEqual(['EM_NO_MDM_OR_TIME']);
    expect(c.review[0]!.message).toMatch(/neither a medical decision making level nor a total time/);
  });
  it('routes MDM without new/established to review', () => {
    expect(reviewCodes(em({ mdm: 'low' }))).toContain('EM_NO_VISIT_TYPE');
  });
});

describe('nurse visit 99211', () => {
  it('codes 99211 only when the encounter says nurse visit', () => {
    expect(codes(em({ visitType: 'established', nurseVisit: true }))).toEqual(['99211']);
    expect(codes(em({ nurseVisit: true }))).toEqual(['99211']);
    expect(codes(em({ visitType: 'established', mdm: 'straightforward' }))).toEqual(['99212']);
  });
  it('sends a nurse visit on a new patient to review', () => {
    expect(reviewCodes(em({ visitType: 'new', nurseVisit: true }))).toContain('EM_NURSE_NEW_PATIENT');
  });
});

describe('prolonged office visit add-on', () => {
  const prolonged = (c: CodedEncounter) => c.lines.find((l) => l.code === '99417' || l.code === 'G2212');
  it.each([
    ['new', 74, 0],
    ['new', 75, 1],
    ['new', 89, 1],
    ['new', 90, 2],
    ['established', 54, 0],
    ['established', 55, 1],
    ['established', 69, 1],
    ['established', 70, 2],
  ] as const)('99417 for a %s patient at %i minutes: %i unit(s)', (visitType, minutes, units) => {
    const p = prolonged(em({ visitType, totalMinutes: minutes }));
    if (units === 0) expect(p).toBeUndefined();
    else expect(p).toMatchObject({ code: '99417', units });
  });
  it.each([
    ['new', 88, 0],
    ['new', 89, 1],
    ['new', 103, 1],
    ['new', 104, 2],
    ['established', 68, 0],
    ['established', 69, 1],
    ['established', 84, 2],
  ] as const)('Medicare G2212 for a %s patient at %i minutes: %i unit(s)', (visitType, minutes, units) => {
    const p = prolonged(em({ visitType, totalMinutes: minutes, ...payer('SAMPLE-MCR') }));
    if (units === 0) expect(p).toBeUndefined();
    else {
      expect(p).toMatchObject({ code: 'G2212', units });
      expect(p!.why.map((w) => w.rule).join(' ')).toMatch(/payer_rules:SAMPLE-MCR/);
    }
  });
  it('adds no prolonged code when the level came from MDM alone', () => {
    expect(codes(em({ visitType: 'established', mdm: 'high' }))).toEqual(['99215']);
  });
});

describe('telehealth', () => {
  it('adds modifier 95 for POS 02 and 10, and for the telehealth flag', () => {
    for (const o of [{ placeOfService: '02' }, { placeOfService: '10' }, { telehealth: true }]) {
      const c = em({ visitType: 'established', mdm: 'low', ...o });
      expect(c.lines[0]!.modifiers).toEqual(['95']);
      expect(c.lines[0]!.modifiers).not.toContain('GT');
    }
  });
  it('adds no telehealth modifier in the office', () => {
    expect(em({ visitType: 'established', mdm: 'low' }).lines[0]!.modifiers).toEqual([]);
  });
  it('uses GT only when a payer rule asks', () => {
    const c = em({ visitType: 'established', mdm: 'low', placeOfService: '02', ...payer('SAMPLE-MCD') });
    expect(c.lines[0]!.modifiers).toEqual(['GT']);
  });
  it('applies a payer POS override for telehealth', () => {
    const c = em({ visitType: 'established', mdm: 'low', placeOfService: '10', ...payer('SAMPLE-PPO') });
    expect(c.placeOfService).toBe('11');
    expect(c.lines[0]!.modifiers).toEqual(['95']);
  });
});

describe('procedure and diagnosis mapping', () => {
  it('maps by EHR local code, SNOMED id and normalized description', () => {
    const c = em({
      procedures: [
        { system: 'LOCAL', code: 'ekg' },
        { system: 'SNOMED', code: '86198006' },
        { system: 'LOCAL', code: 'ZZZ', text: 'Flu  Shot!' },
      ],
      diagnoses: [
        { seq: 1, system: 'SNOMED', code: '44054006' },
        { seq: 2, system: 'LOCAL', code: 'nope', text: 'Essential Hypertension' },
        { seq: 3, system: 'ICD10', code: 'e78.5' },
      ],
    });
    expect(codes(c)).toEqual(['93000', '90686', '90686']);
    expect(c.diagnoses.map((d) => d.code)).toEqual(['E119', 'I10', 'E785']);
    expect(c.lines[2]!.why[0]).toEqual({ rule: 'proc_map:TEXT:flu shot', input: 'LOCAL:ZZZ' });
  });
  it('passes a valid CPT/HCPCS code through and rejects a malformed one', () => {
    const c = em({
      procedures: [
        { system: 'CPT', code: '93000' },
        { system: 'HCPCS', code: 'J3420' },
        { system: 'CPT', code: '9300' },
      ],
    });
    expect(codes(c)).toEqual(['93000', 'J3420']);
    expect(reviewCodes(c)).toEqual(['PROC_INVALID_CODE']);
  });
  it('routes unmapped procedures and diagnoses to review with the EHR code', () => {
    const c = em({
      procedures: [{ system: 'LOCAL', code: 'MYSTERY' }],
      diagnoses: [{ seq: 1, system: 'SNOMED', code: '999999' }],
    });
    expect(reviewCodes(c)).toEqual(expect.arrayContaining(['PROC_UNMAPPED', 'DX_UNMAPPED']));
    expect(c.review.find((r) => r.code === 'PROC_UNMAPPED')!.message).toMatch(/LOCAL MYSTERY/);
  });
  it('merges two inputs that map to one ICD-10 code and keeps pointers right', () => {
    const c = em({
      diagnoses: [
        { seq: 1, system: 'LOCAL', code: 'HTN' },
        { seq: 2, system: 'ICD10', code: 'I10' },
        { seq: 3, system: 'LOCAL', code: 'DM2' },
      ],
      procedures: [{ system: 'LOCAL', code: 'EKG', diagnosisSeqs: [3, 2] }],
    });
    expect(c.diagnoses.map((d) => d.code)).toEqual(['I10', 'E119']);
    expect(c.lines[0]!.diagnosisPointers).toEqual([2, 1]);
  });
  it('flags a pointer to a diagnosis the encounter does not have', () => {
    expect(reviewCodes(em({ procedures: [{ system: 'LOCAL', code: 'EKG', diagnosisSeqs: [7] }] }))).toContain(
      'DX_POINTER_INVALID',
    );
  });
  it('flags a medical encounter without diagnoses and an encounter with nothing to bill', () => {
    expect(reviewCodes(em({ diagnoses: [], visitType: 'new', mdm: 'low' }))).toContain('DX_MISSING');
    expect(reviewCodes(em({}))).toContain('NOTHING_TO_BILL');
  });
  it('ignores human-coded procedures and diagnoses when billing', () => {
    const c = em({
      procedures: [{ system: 'CPT', code: '99214', humanCoded: true }],
      diagnoses: [
        { seq: 1, system: 'LOCAL', code: 'HTN' },
        { seq: 2, system: 'ICD10', code: 'Z23', humanCoded: true },
      ],
      visitType: 'established',
      mdm: 'low',
    });
    expect(codes(c)).toEqual(['99213']);
    expect(c.diagnoses.map((d) => d.code)).toEqual(['I10']);
  });
  it('flags an E/M code from the EHR that the documentation does not support', () => {
    const c = em({
      visitType: 'established',
      mdm: 'moderate',
      procedures: [{ system: 'CPT', code: '99215' }],
    });
    expect(codes(c)).toEqual(['99214']);
    expect(reviewCodes(c)).toEqual(['EM_CONFLICT']);
    const agree = em({
      visitType: 'established',
      mdm: 'moderate',
      procedures: [{ system: 'CPT', code: '99214' }],
    });
    expect(codes(agree)).toEqual(['99214']);
    expect(agree.review).toEqual([]);
  });
});

describe('units and modifiers', () => {
  it('uses units from the encounter and rejects nonsense units', () => {
    expect(em({ procedures: [{ system: 'LOCAL', code: 'B12', units: 2 }] }).lines[0]!.units).toBe(2);
    expect(reviewCodes(em({ procedures: [{ system: 'LOCAL', code: 'B12', units: 0 }] }))).toContain(
      'PROC_UNITS_INVALID',
    );
  });
  it('adds LT/RT for a side and 50 for bilateral (bilateral fee 200%)', () => {
    const left = em({ procedures: [{ system: 'LOCAL', code: 'CERUMEN', laterality: 'left' }] });
    expect(left.lines[0]!.modifiers).toEqual(['LT']);
    const bi = em({ procedures: [{ system: 'LOCAL', code: 'KNEEINJ', laterality: 'bilateral' }] });
    expect(bi.lines[0]).toMatchObject({ modifiers: ['50'], units: 1, chargeCents: 36000 });
  });
  it('asks for a side when the procedure needs one', () => {
    expect(reviewCodes(em({ procedures: [{ system: 'LOCAL', code: 'KNEEINJ' }] }))).toContain(
      'PROC_LATERALITY_MISSING',
    );
  });
  it('rejects malformed modifiers and more than four', () => {
    expect(reviewCodes(em({ procedures: [{ system: 'LOCAL', code: 'EKG', modifiers: ['X'] }] }))).toContain(
      'PROC_MODIFIER_INVALID',
    );
    const many = em({
      procedures: [{ system: 'LOCAL', code: 'EKG', modifiers: ['26', 'GA', 'GY', 'KX', 'Q6'] }],
    });
    expect(reviewCodes(many)).toContain('MODIFIERS_TOO_MANY');
  });
  it('puts 25 on the E/M with a same-day minor procedure, not with a lab', () => {
    const minor = em({
      visitType: 'established',
      mdm: 'low',
      procedures: [{ system: 'LOCAL', code: 'WART' }],
    });
    expect(minor.lines[0]).toMatchObject({ code: '99213', modifiers: ['25'] });
    const lab = em({
      visitType: 'established',
      mdm: 'low',
      procedures: [{ system: 'LOCAL', code: 'VENIPUNCT' }],
    });
    expect(lab.lines[0]!.modifiers).toEqual([]);
  });
  it('puts 25 on the E/M when an NCCI edit pairs it with the procedure (indicator 1)', () => {
    const cs = fakeCodeSets({ ptp: [{ column1: '36415', column2: '99213', modifierIndicator: '1' }] });
    const c = em(
      { visitType: 'established', mdm: 'low', procedures: [{ system: 'LOCAL', code: 'VENIPUNCT' }] },
      cs,
    );
    expect(c.lines[0]!.modifiers).toEqual(['25']);
    expect(c.lines[0]!.why.find((w) => w.rule === 'modifier.25')!.input).toMatch(/indicator 1/);
  });
  it('sends an E/M bundled with no modifier allowed (indicator 0) to review', () => {
    const cs = fakeCodeSets({ ptp: [{ column1: '96372', column2: '99211', modifierIndicator: '0' }] });
    expect(
      reviewCodes(em({ nurseVisit: true, procedures: [{ system: 'LOCAL', code: 'IMINJ' }] }, cs)),
    ).toContain('NCCI_PTP_NO_BYPASS');
  });
});

describe('NCCI PTP, MUE and add-on checks', () => {
  const ptp: PtpEdit[] = [
    { column1: '17110', column2: '11055', modifierIndicator: '1' },
    { column1: '93000', column2: '93005', modifierIndicator: '0' },
    { column1: '81002', column2: '36415', modifierIndicator: '9' },
  ];
  const cs = fakeCodeSets({
    ptp,
    mue: {
      J3420: { value: 1, adjudicationIndicator: '3' },
      '20610': { value: 1, adjudicationIndicator: '1' },
    },
    addons: { '17003': ['17000'] },
  });
  it('asks for XS/59 when the edit allows a modifier and none was sent', () => {
    const c = em(
      {
        procedures: [
          { system: 'CPT', code: '17110' },
          { system: 'CPT', code: '11055' },
        ],
      },
      cs,
    );
    expect(reviewCodes(c)).toEqual(['NCCI_PTP_MODIFIER_NEEDED']);
  });
  it('keeps XS/59 where the edit has modifier indicator 1', () => {
    const c = em(
      {
        procedures: [
          { system: 'CPT', code: '17110' },
          { system: 'CPT', code: '11055', modifiers: ['XS'] },
        ],
      },
      cs,
    );
    expect(c.review).toEqual([]);
    expect(c.lines[1]!.modifiers).toEqual(['XS']);
    expect(c.lines[1]!.why.map((w) => w.rule)).toContain('ncci.bypass');
  });
  it('never bypasses an edit with modifier indicator 0', () => {
    const c = em(
      {
        procedures: [
          { system: 'CPT', code: '93000' },
          { system: 'CPT', code: '93005', modifiers: ['59'] },
        ],
      },
      cs,
    );
    expect(reviewCodes(c)).toContain('NCCI_PTP_NO_BYPASS');
  });
  it('removes 59 where no NCCI edit needs it', () => {
    const c = em(
      {
        procedures: [
          { system: 'CPT', code: '93000' },
          { system: 'LOCAL', code: 'UA', modifiers: ['59'] },
        ],
      },
      cs,
    );
    expect(c.lines[1]!.modifiers).toEqual([]);
    expect(c.lines[1]!.why.map((w) => w.rule)).toContain('ncci.distinct-not-needed');
  });
  it('ignores edits with modifier indicator 9', () => {
    expect(
      em(
        {
          procedures: [
            { system: 'CPT', code: '81002' },
            { system: 'CPT', code: '36415' },
          ],
        },
        cs,
      ).review,
    ).toEqual([]);
  });
  it('flags units over the MUE per day and per line', () => {
    expect(reviewCodes(em({ procedures: [{ system: 'HCPCS', code: 'J3420', units: 2 }] }, cs))).toContain(
      'MUE_EXCEEDED',
    );
    const perLine = em(
      {
        procedures: [
          { system: 'CPT', code: '20610', laterality: 'left' },
          { system: 'CPT', code: '20610', laterality: 'right' },
        ],
      },
      cs,
    );
    expect(reviewCodes(perLine)).not.toContain('MUE_EXCEEDED');
  });
  it('flags an add-on code without its primary', () => {
    expect(reviewCodes(em({ procedures: [{ system: 'CPT', code: '17003' }] }, cs))).toContain(
      'ADDON_WITHOUT_PRIMARY',
    );
    expect(
      reviewCodes(
        em(
          {
            procedures: [
              { system: 'CPT', code: '17000' },
              { system: 'CPT', code: '17003' },
            ],
          },
          cs,
        ),
      ),
    ).not.toContain('ADDON_WITHOUT_PRIMARY');
  });
});

describe('payer rules and fees', () => {
  it('substitutes G0008 for 90471 for Medicare only when a flu vaccine is on the claim', () => {
    const flu = em({
      ...payer('SAMPLE-MCR'),
      procedures: [
        { system: 'LOCAL', code: 'FLUVAX' },
        { system: 'LOCAL', code: 'VACADMIN' },
      ],
    });
    expect(codes(flu)).toEqual(['90686', 'G0008']);
    expect(flu.lines[1]!.why.some((w) => w.rule.startsWith('payer_rules:SAMPLE-MCR'))).toBe(true);
    expect(
      codes(em({ ...payer('SAMPLE-MCR'), procedures: [{ system: 'LOCAL', code: 'VACADMIN' }] })),
    ).toEqual(['90471']);
    expect(
      codes(
        em({
          procedures: [
            { system: 'LOCAL', code: 'FLUVAX' },
            { system: 'LOCAL', code: 'VACADMIN' },
          ],
        }),
      ),
    ).toEqual(['90686', '90471']);
  });
  it('adds a payer-required modifier', () => {
    expect(
      em({ ...payer('SAMPLE-HMO'), procedures: [{ system: 'LOCAL', code: 'STREP' }] }).lines[0]!.modifiers,
    ).toEqual(['QW']);
    expect(em({ procedures: [{ system: 'LOCAL', code: 'STREP' }] }).lines[0]!.modifiers).toEqual([]);
  });
  it('routes an unknown payer and a missing coverage to review', () => {
    expect(reviewCodes(em({ ...payer('NOBODY'), visitType: 'new', mdm: 'low' }))).toEqual(['PAYER_UNKNOWN']);
    expect(reviewCodes(em({ coverages: [], visitType: 'new', mdm: 'low' }))).toEqual(['NO_COVERAGE']);
  });
  it('prices from the payer schedule, else the standard one, in cents times units', () => {
    expect(em({ ...payer('SAMPLE-MCD'), visitType: 'established', mdm: 'low' }).lines[0]!.chargeCents).toBe(
      9500,
    );
    expect(em({ visitType: 'established', mdm: 'low' }).lines[0]!.chargeCents).toBe(14000);
    expect(em({ procedures: [{ system: 'LOCAL', code: 'B12', units: 3 }] }).lines[0]!.chargeCents).toBe(6000);
  });
  it('uses the fee in force on the date of service', () => {
    const rows: TableRow[] = [
      ...fmRows.filter((r) => !(r.table === 'fee_schedule' && r.value.code === '99213')),
      {
        table: 'fee_schedule',
        key: 'STANDARD:99213',
        effectiveFrom: '2021-01-01',
        effectiveTo: '2025-01-01',
        value: { schedule: 'STANDARD', code: '99213', cents: 13000 },
      },
      {
        table: 'fee_schedule',
        key: 'STANDARD:99213',
        effectiveFrom: '2025-01-01',
        effectiveTo: null,
        value: { schedule: 'STANDARD', code: '99213', cents: 15000 },
      },
    ];
    const t = buildCodingTables(rows);
    expect(
      codeEncounter(
        enc({ visitType: 'established', mdm: 'low', dateOfService: '2024-12-31' }),
        t,
        emptyCodeSets,
      ).lines[0]!.chargeCents,
    ).toBe(13000);
    expect(
      codeEncounter(
        enc({ visitType: 'established', mdm: 'low', dateOfService: '2025-01-01' }),
        t,
        emptyCodeSets,
      ).lines[0]!.chargeCents,
    ).toBe(15000);
  });
  it('uses the EHR charge only when configured, and flags a missing fee', () => {
    const p = { system: 'CPT' as const, code: '99406', chargeCents: 4321 };
    const noFee = em({ procedures: [{ system: 'CPT', code: '99407', chargeCents: 4321 }] });
    expect(reviewCodes(noFee)).toContain('FEE_MISSING');
    expect(noFee.lines[0]!.chargeCents).toBe(0);
    expect(em({ procedures: [p] }).lines[0]!.chargeCents).toBe(3000);
    const prefer = buildCodingTables([
      ...fmRows.filter((r) => !(r.table === 'settings' && r.key === 'ehr_charge')),
      {
        table: 'settings',
        key: 'ehr_charge',
        effectiveFrom: '2021-01-01',
        effectiveTo: null,
        value: { value: 'prefer' },
      },
    ]);
    expect(codeEncounter(enc({ procedures: [p] }), prefer, emptyCodeSets).lines[0]!.chargeCents).toBe(4321);
  });
});

describe('ICD-10-CM validity from the official code set', () => {
  const cs = fakeCodeSets({
    icd10: {
      I10: { code: 'I10', billable: true, description: 'Essential (primary) hypertension' },
      J02: { code: 'J02', billable: false, description: 'Acute pharyngitis' },
      J029: { code: 'J029', billable: true, description: 'Acute pharyngitis, unspecified' },
      E119: { code: 'E119', billable: true, description: 'Type 2 diabetes mellitus without complications' },
    },
    known: ['M545'],
    children: { J02: ['J020', 'J028', 'J029'] },
  });
  const dx = (code: string) =>
    em({ visitType: 'new', mdm: 'low', diagnoses: [{ seq: 1, system: 'ICD10', code }] }, cs);
  it('accepts a billable code valid on the date of service', () => {
    expect(dx('I10').review).toEqual([]);
  });
  it('rejects unknown, inactive and header codes with a biller’s sentence', () => {
    expect(reviewCodes(dx('Q999'))).toContain('ICD10_UNKNOWN');
    expect(reviewCodes(dx('M54.5'))).toContain('ICD10_INACTIVE');
    const header = dx('J02');
    expect(reviewCodes(header)).toContain('ICD10_NOT_BILLABLE');
    expect(header.review.find((r) => r.code === 'ICD10_NOT_BILLABLE')!.message).toMatch(
      /J02\.0, J02\.8, J02\.9/,
    );
  });
  it('flags an unspecified code that has more specific siblings, or notes it when configured', () => {
    expect(reviewCodes(dx('J02.9'))).toEqual(['ICD10_UNSPECIFIED']);
    const noteTables = buildCodingTables([
      ...fmRows.filter((r) => !(r.table === 'settings' && r.key === 'unspecified_dx')),
      {
        table: 'settings',
        key: 'unspecified_dx',
        effectiveFrom: '2021-01-01',
        effectiveTo: null,
        value: { value: 'note' },
      },
    ]);
    const c = codeEncounter(
      enc({ visitType: 'new', mdm: 'low', diagnoses: [{ seq: 1, system: 'ICD10', code: 'J029' }] }),
      noteTables,
      cs,
    );
    expect(c.review).toEqual([]);
    expect(c.diagnoses[0]!.why.map((w) => w.rule)).toContain('icd10.unspecified');
  });
  it('marks diagnoses unchecked when no ICD-10-CM release is imported', () => {
    expect(em({ visitType: 'new', mdm: 'low' }).diagnoses[0]!.why.map((w) => w.rule)).toContain(
      'icd10.unchecked',
    );
  });
  it('rejects a malformed ICD-10 code', () => {
    expect(reviewCodes(dx('123'))).toContain('DX_INVALID_FORMAT');
  });
});

describe('CDT surface and tooth logic', () => {
  const d = (p: ProcedureInput[]) => codeEncounter(dental(p), dent, emptyCodeSets);
  const comp = (tooth: string, surfaces: string) => d([{ system: 'LOCAL', code: 'COMP', tooth, surfaces }]);
  it.each([
    ['30', 'O', 'D2391'],
    ['30', 'MO', 'D2392'],
    ['30', 'MOD', 'D2393'],
    ['30', 'MODB', 'D2394'],
    ['30', 'MODBL', 'D2394'],
    ['8', 'M', 'D2330'],
    ['8', 'MI', 'D2331'],
    ['8', 'MIF', 'D2332'],
    ['8', 'MIFL', 'D2335'],
    ['A', 'OB', 'D2392'],
    ['E', 'F', 'D2330'],
    ['58', 'DL', 'D2331'],
    ['CS', 'L', 'D2330'],
  ])('composite on tooth %s surfaces %s codes %s', (tooth, surfaces, code) => {
    const c = comp(tooth, surfaces);
    expect(c.review).toEqual([]);
    expect(c.lines[0]).toMatchObject({ code, tooth, surfaces });
  });
  it('codes amalgam by surface count for any tooth', () => {
    expect(codes(d([{ system: 'LOCAL', code: 'AMAL', tooth: '19', surfaces: 'MOD' }]))).toEqual(['D2160']);
  });
  it.each([
    ['33', 'O', 'DENTAL_TOOTH_INVALID'],
    ['0', 'O', 'DENTAL_TOOTH_INVALID'],
    ['U', 'O', 'DENTAL_TOOTH_INVALID'],
    ['30', 'MOO', 'DENTAL_SURFACES_INVALID'],
    ['30', 'MX', 'DENTAL_SURFACES_INVALID'],
    ['8', 'O', 'DENTAL_SURFACES_INVALID'],
    ['30', 'I', 'DENTAL_SURFACES_INVALID'],
  ])('rejects tooth %s surfaces %s (%s)', (tooth, surfaces, reason) => {
    expect(reviewCodes(comp(tooth, surfaces))).toEqual([reason]);
  });
  it('asks for a tooth and surfaces when a restoration has none', () => {
    expect(reviewCodes(d([{ system: 'LOCAL', code: 'COMP', surfaces: 'O' }]))).toContain(
      'DENTAL_TOOTH_MISSING',
    );
    expect(reviewCodes(d([{ system: 'LOCAL', code: 'COMP', tooth: '3' }]))).toContain(
      'DENTAL_SURFACES_MISSING',
    );
  });
  it('checks a direct CDT code against its surface count and region', () => {
    expect(reviewCodes(d([{ system: 'CDT', code: 'D2392', tooth: '30', surfaces: 'MOD' }]))).toContain(
      'DENTAL_SURFACE_COUNT',
    );
    expect(reviewCodes(d([{ system: 'CDT', code: 'D2392', tooth: '8', surfaces: 'MI' }]))).toContain(
      'DENTAL_REGION_MISMATCH',
    );
    expect(d([{ system: 'CDT', code: 'D2392', tooth: '30', surfaces: 'MO' }]).review).toEqual([]);
  });
  it('requires quadrant or arch where the code is reported that way', () => {
    expect(reviewCodes(d([{ system: 'LOCAL', code: 'SRP4' }]))).toEqual(['DENTAL_AREA_MISSING']);
    expect(d([{ system: 'LOCAL', code: 'SRP4', area: 'ur' }]).lines[0]!.area).toBe('UR');
    expect(reviewCodes(d([{ system: 'LOCAL', code: 'SRP4', area: 'U' }]))).toEqual(['DENTAL_AREA_INVALID']);
    expect(d([{ system: 'LOCAL', code: 'UPPERDENTURE' }]).lines[0]!.area).toBe('U');
    expect(reviewCodes(d([{ system: 'LOCAL', code: 'UPPERDENTURE', area: 'L' }]))).toEqual([
      'DENTAL_AREA_INVALID',
    ]);
  });
  it('rejects a permanent-tooth code on a primary tooth', () => {
    expect(reviewCodes(d([{ system: 'LOCAL', code: 'CROWN', tooth: 'B' }]))).toEqual(['DENTAL_DENTITION']);
  });
  it('needs no diagnosis on a dental encounter and prices each line', () => {
    const c = d([
      { system: 'LOCAL', code: 'PERIOEXAM' },
      { system: 'LOCAL', code: 'PROPHY' },
    ]);
    expect(c.review).toEqual([]);
    expect(c.lines.map((l) => l.chargeCents)).toEqual([6000, 11000]);
  });
});

describe('every code carries its reasons', () => {
  it('has at least one why on each diagnosis and line', () => {
    const c = em({
      ...payer('SAMPLE-MCR'),
      visitType: 'new',
      totalMinutes: 95,
      placeOfService: '02',
      procedures: [
        { system: 'LOCAL', code: 'FLUVAX' },
        { system: 'LOCAL', code: 'VACADMIN' },
      ],
    });
    expect(codes(c)).toEqual(['99205', 'G2212', '90686', 'G0008']);
    for (const x of [...c.diagnoses, ...c.lines]) expect(x.why.length).toBeGreaterThan(0);
    expect(c.lines[0]!.modifiers).toEqual(['95', '25']);
  });
});
