import { describe, expect, it } from 'vitest';
import type { Claim } from '../domain/types.js';
import {
  checkReady,
  scrubClaim,
  scrubRules,
  isClean,
  type ScrubContext,
  type ScrubFinding,
} from './scrub.js';
import { fakeCodeSets, sampleCodeSets } from './test-codesets.js';
import {
  DOS,
  FAKE_NPI,
  sampleBilling,
  sampleClaim,
  sampleCoded,
  sampleDentalClaim,
  sampleEncounter,
  sampleLine,
} from './test-fixtures.js';

const TODAY = '2026-03-10';
const ctxWith = (over: Partial<ScrubContext> = {}): ScrubContext => ({
  codeSets: sampleCodeSets(),
  today: TODAY,
  ...over,
});

function run(ruleId: string, claim: Claim, ctx: ScrubContext = ctxWith()): ScrubFinding[] {
  const rule = scrubRules.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return rule.check(claim, ctx);
}

const l = sampleLine;
const twoLines = (a: Partial<Claim['lines'][0]>, b: Partial<Claim['lines'][0]>): Claim =>
  sampleClaim({ lines: [l({ lineNumber: 1, ...a }), l({ lineNumber: 2, ...b })] });

interface Case {
  bad: Claim;
  good?: Claim;
  ctx?: ScrubContext;
  /** Context for the good claim when it differs from `ctx`. */
  goodCtx?: ScrubContext;
  /** The field the finding must point at. */
  field: string;
}

const ptpCtx = (indicator: '0' | '1' | '9') =>
  ctxWith({
    codeSets: sampleCodeSets({ ptp: [{ column1: '99214', column2: '81002', modifierIndicator: indicator }] }),
  });

/** One failing and one passing claim per rule: "each scrub edit has a test" (issue 4). */
const cases: Record<string, Case> = {
  'required-patient': {
    bad: sampleClaim({ patient: { ...sampleClaim().patient, lastName: ' ' } }),
    field: 'patient.lastName',
  },
  'required-subscriber': {
    bad: sampleClaim({ coverage: { ...sampleClaim().coverage, relationship: 'child' } }),
    good: sampleClaim({
      coverage: {
        ...sampleClaim().coverage,
        relationship: 'child',
        subscriber: { lastName: 'TESTPARENT', firstName: 'BETA', dob: '1955-01-01', sex: 'M' },
      },
    }),
    field: 'coverage.subscriber',
  },
  'required-payer': {
    bad: sampleClaim({ coverage: { ...sampleClaim().coverage, payerId: '' } }),
    field: 'coverage.payerId',
  },
  'required-billing': {
    bad: sampleClaim({
      billing: { ...sampleClaim().billing, address: { ...sampleClaim().billing.address, zip: '97000' } },
    }),
    field: 'billing.address.zip',
  },
  'required-rendering': {
    bad: sampleClaim({ rendering: { npi: '', lastName: 'DOCTOR' } }),
    field: 'rendering.npi',
  },
  'required-service': { bad: sampleClaim({ placeOfService: '' }), field: 'placeOfService' },
  'required-diagnosis': {
    bad: sampleClaim({ diagnoses: [], lines: [l({ diagnosisPointers: [] })] }),
    field: 'diagnoses',
  },
  'required-pointers': {
    bad: sampleClaim({ lines: [l({ diagnosisPointers: [] })] }),
    field: 'lines[0].diagnosisPointers',
  },
  'charges-positive': { bad: sampleClaim({ lines: [l({ chargeCents: 0 })] }), field: 'lines[0].chargeCents' },
  'units-positive': { bad: sampleClaim({ lines: [l({ units: 0 })] }), field: 'lines[0].units' },
  'frequency-original': {
    bad: sampleClaim({ frequency: '7' }),
    good: sampleClaim({ frequency: '7', originalClaimNumber: 'PAYERICN123' }),
    field: 'originalClaimNumber',
  },
  'line-limit': {
    bad: sampleClaim({
      lines: Array.from({ length: 51 }, (_, i) => l({ lineNumber: i + 1, code: `9921${i % 5}` })),
    }),
    field: 'lines',
  },
  'procedure-code-format': { bad: sampleClaim({ lines: [l({ code: '9921' })] }), field: 'lines[0].code' },
  'hcpcs-valid': {
    bad: sampleClaim({ lines: [l({ code: 'J3301' })] }),
    good: sampleClaim({ lines: [l({ code: 'J1100' })] }),
    ctx: ctxWith({
      codeSets: sampleCodeSets({ hcpcs: [{ code: 'J1100', description: 'DEXAMETHASONE SODIUM PHOS' }] }),
    }),
    field: 'lines[0].code',
  },
  'ncci-loaded': {
    bad: sampleClaim(),
    ctx: ctxWith({ codeSets: fakeCodeSets() }),
    goodCtx: ctxWith(),
    field: 'lines',
  },
  'modifier-format': { bad: sampleClaim({ lines: [l({ modifiers: ['5'] })] }), field: 'lines[0].modifiers' },
  'npi-check-digit': {
    bad: sampleClaim({ rendering: { ...sampleClaim().rendering, npi: '1234567890' } }),
    field: 'rendering.npi',
  },
  'ein-format': {
    bad: sampleClaim({ billing: { ...sampleClaim().billing, taxId: '071234567' } }),
    field: 'billing.taxId',
  },
  'pos-valid': { bad: sampleClaim({ placeOfService: '38' }), field: 'placeOfService' },
  'dos-not-future': {
    bad: sampleClaim({ lines: [l({ dateOfService: '2026-03-11' })] }),
    field: 'lines[0].dateOfService',
  },
  'icd10-loaded': {
    bad: sampleClaim(),
    ctx: ctxWith({ codeSets: fakeCodeSets() }),
    goodCtx: ctxWith(),
    field: 'diagnoses',
  },
  'icd10-valid': { bad: sampleClaim({ diagnoses: ['E119', 'Z999'] }), field: 'diagnoses[1]' },
  'icd10-billable': { bad: sampleClaim({ diagnoses: ['E11', 'I10'] }), field: 'diagnoses[0]' },
  'icd10-unspecified': { bad: sampleClaim({ diagnoses: ['J069', 'I10'] }), field: 'diagnoses[0]' },
  'icd10-first-listed': {
    bad: sampleClaim({ diagnoses: ['W010XXA', 'S0990XA'], lines: [l({ diagnosisPointers: [2, 1] })] }),
    good: sampleClaim({ diagnoses: ['S0990XA', 'W010XXA'], lines: [l({ diagnosisPointers: [1, 2] })] }),
    ctx: ctxWith({ codeSets: fakeCodeSets() }),
    field: 'diagnoses[0]',
  },
  'diagnosis-limit': {
    bad: sampleClaim({
      diagnoses: [
        'E119',
        'I10',
        'J069',
        'J060',
        'E118',
        'A001',
        'A009',
        'B001',
        'B002',
        'B003',
        'B004',
        'B005',
        'B007',
      ],
    }),
    field: 'diagnoses',
  },
  'pointer-limit': {
    bad: sampleClaim({
      diagnoses: ['E119', 'I10', 'J060', 'E118', 'J069'],
      lines: [l({ diagnosisPointers: [1, 2, 3, 4, 5] })],
    }),
    field: 'lines[0].diagnosisPointers',
  },
  'pointer-target': {
    bad: sampleClaim({ lines: [l({ diagnosisPointers: [3] })] }),
    field: 'lines[0].diagnosisPointers',
  },
  'ncci-ptp': {
    bad: twoLines({ code: '99214' }, { code: '81002' }),
    good: twoLines({ code: '99214' }, { code: '81002', modifiers: ['59'] }),
    ctx: ptpCtx('1'),
    field: 'lines[1].modifiers',
  },
  'mue-line': {
    bad: sampleClaim({ lines: [l({ code: '81002', units: 2 })] }),
    ctx: ctxWith({
      codeSets: sampleCodeSets({ mue: [{ code: '81002', value: 1, adjudicationIndicator: '1' }] }),
    }),
    field: 'lines[0].units',
  },
  'mue-day': {
    bad: twoLines({ code: '96372', units: 2 }, { code: '96372', units: 2, modifiers: ['59'] }),
    good: twoLines({ code: '96372', units: 2 }, { code: '99214' }),
    ctx: ctxWith({
      codeSets: sampleCodeSets({ mue: [{ code: '96372', value: 3, adjudicationIndicator: '2' }] }),
    }),
    field: 'lines[0].units',
  },
  'addon-primary': {
    bad: twoLines({ code: '99214' }, { code: '99417' }),
    good: twoLines({ code: '99215' }, { code: '99417' }),
    ctx: ctxWith({ codeSets: sampleCodeSets({ addons: { '99417': ['99205', '99215'] } }) }),
    field: 'lines[1].code',
  },
  'duplicate-service': {
    bad: sampleClaim(),
    ctx: ctxWith({ isDuplicate: (k) => k.procedureCode === '81002' }),
    good: sampleClaim({ lines: [l({ code: '99214' })] }),
    field: 'lines[1]',
  },
  'timely-filing': {
    bad: sampleClaim(),
    good: sampleClaim({ lines: [l({ dateOfService: '2026-03-10' })] }),
    ctx: ctxWith({ payer: { payerId: 'SANDBOX1', timelyFilingDays: 90 }, today: '2026-06-01' }),
    field: 'lines[0].dateOfService',
  },
  'timely-filing-near': {
    bad: sampleClaim(),
    good: sampleClaim({ lines: [l({ dateOfService: '2026-05-01' })] }),
    ctx: ctxWith({ payer: { payerId: 'SANDBOX1', timelyFilingDays: 90 }, today: '2026-05-20' }),
    field: 'lines[0].dateOfService',
  },
  'sex-specific': {
    bad: sampleClaim({ lines: [l({ code: '55700' })] }),
    good: sampleClaim({ lines: [l({ code: '55700', modifiers: ['KX'] })] }),
    field: 'lines[0].code',
  },
  'age-specific': { bad: sampleClaim({ diagnoses: ['P0700'], lines: [l()] }), field: 'diagnoses[0]' },
  'dental-tooth-required': {
    bad: sampleDentalClaim({ lines: [l({ code: 'D2392', diagnosisPointers: [], tooth: '30' })] }),
    good: sampleDentalClaim(),
    field: 'lines[0].surfaces',
  },
  'dental-tooth-valid': {
    bad: sampleDentalClaim({
      lines: [l({ code: 'D2392', diagnosisPointers: [], tooth: '33', surfaces: 'MO' })],
    }),
    good: sampleDentalClaim(),
    field: 'lines[0].tooth',
  },
  'dental-surface-valid': {
    bad: sampleDentalClaim({
      lines: [l({ code: 'D2392', diagnosisPointers: [], tooth: '30', surfaces: 'MX' })],
    }),
    good: sampleDentalClaim(),
    field: 'lines[0].surfaces',
  },
  'dental-surface-count': {
    bad: sampleDentalClaim({
      lines: [l({ code: 'D2392', diagnosisPointers: [], tooth: '30', surfaces: 'MOD' })],
    }),
    good: sampleDentalClaim(),
    field: 'lines[0].surfaces',
  },
};

describe('scrub rules', () => {
  it('scrub rules, each has a failing and a passing case, for every rule listed', () => {
    expect(Object.keys(cases).sort()).toEqual(scrubRules.map((r) => r.id).sort());
  });

  it('scrub rules, ids are unique and every rule has a description', () => {
    expect(new Set(scrubRules.map((r) => r.id)).size).toBe(scrubRules.length);
    for (const r of scrubRules) expect(r.description.length).toBeGreaterThan(10);
  });

  for (const [id, c] of Object.entries(cases)) {
    it(`${id}, flags the bad claim and passes the good one`, () => {
      const rule = scrubRules.find((r) => r.id === id)!;
      const bad = run(id, c.bad, c.ctx);
      expect(bad.length).toBeGreaterThan(0);
      expect(bad[0]).toMatchObject({ ruleId: id, severity: rule.severity, field: c.field });
      expect(bad[0]!.message.length).toBeGreaterThan(10);
      expect(bad[0]!.fix.length).toBeGreaterThan(10);
      expect(run(id, c.good ?? sampleClaim(), c.goodCtx ?? c.ctx)).toEqual([]);
    });
  }
});

describe('scrubClaim', () => {
  it('scrubClaim, returns no findings, for the sample professional and dental claims', () => {
    expect(scrubClaim(sampleClaim(), ctxWith())).toEqual([]);
    expect(scrubClaim(sampleDentalClaim(), ctxWith())).toEqual([]);
  });

  it('scrubClaim, skips rules for the other claim kind, for a dental claim without diagnoses', () => {
    const ids = scrubClaim(sampleDentalClaim(), ctxWith()).map((f) => f.ruleId);
    expect(ids).not.toContain('required-diagnosis');
    expect(ids).not.toContain('required-pointers');
  });

  it('scrubClaim, warns instead of passing silently, when no ICD-10-CM set is loaded', () => {
    const findings = scrubClaim(
      sampleClaim({ diagnoses: ['E11', 'I10'] }),
      ctxWith({ codeSets: fakeCodeSets() }),
    );
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'icd10-loaded', severity: 'warning' }),
      expect.objectContaining({ ruleId: 'ncci-loaded', severity: 'warning' }),
    ]);
    expect(isClean(findings)).toBe(true);
  });

  it('scrubClaim, downgrades an approved finding to a warning and keeps it, for a person-approved duplicate', () => {
    const ctx = ctxWith({ isDuplicate: (k) => k.procedureCode === '81002' });
    expect(isClean(scrubClaim(sampleClaim(), ctx))).toBe(false);
    const approved = scrubClaim(sampleClaim(), {
      ...ctx,
      overrides: [{ ruleId: 'duplicate-service', line: 2 }],
    });
    expect(approved).toEqual([
      expect.objectContaining({ ruleId: 'duplicate-service', severity: 'warning', approved: true }),
    ]);
    expect(isClean(approved)).toBe(true);
    const otherLine = scrubClaim(sampleClaim(), {
      ...ctx,
      overrides: [{ ruleId: 'duplicate-service', line: 1 }],
    });
    expect(isClean(otherLine)).toBe(false);
  });

  it('isClean, is false, when any finding is an error', () => {
    expect(isClean(scrubClaim(sampleClaim({ placeOfService: '38' }), ctxWith()))).toBe(false);
  });
});

describe('identifiers', () => {
  it('npi-check-digit, accepts the CMS example NPI and every fixture NPI, rejects a one-digit typo', () => {
    for (const npi of [...Object.values(FAKE_NPI), '1234567893']) {
      const c = sampleClaim({ rendering: { npi, lastName: 'DOCTOR' } });
      expect(run('npi-check-digit', c)).toEqual([]);
    }
    expect(
      run('npi-check-digit', sampleClaim({ billing: { ...sampleClaim().billing, npi: '2000000029' } })),
    ).toHaveLength(1);
    expect(
      run('npi-check-digit', sampleClaim({ referring: { npi: '3000000000', lastName: 'X' } })),
    ).toHaveLength(1);
  });

  it('ein-format, names the hyphen, the length and the prefix, for each kind of bad EIN', () => {
    const msg = (taxId: string) =>
      run('ein-format', sampleClaim({ billing: { ...sampleClaim().billing, taxId } }))[0]?.message;
    expect(msg('99-1234567')).toMatch(/hyphen/);
    expect(msg('99123456')).toMatch(/9-digit/);
    expect(msg('891234567')).toMatch(/prefix/);
    expect(msg('201234567')).toBeUndefined();
  });
});

describe('ICD-10-CM by date of service', () => {
  const cs = sampleCodeSets({
    icd10: [{ code: 'U099', description: 'Post COVID-19 condition, unspecified', from: '2021-10-01' }],
  });
  it('icd10-valid, fails a code before its edition took effect and passes it after', () => {
    const claim = (dos: string) => sampleClaim({ diagnoses: ['U099'], lines: [l({ dateOfService: dos })] });
    expect(run('icd10-valid', claim('2021-09-30'), ctxWith({ codeSets: cs }))).toHaveLength(1);
    expect(run('icd10-valid', claim('2021-10-01'), ctxWith({ codeSets: cs }))).toEqual([]);
  });

  it('icd10-valid, tells a code from another edition from one that never existed', () => {
    const early = sampleClaim({ diagnoses: ['U099'], lines: [l({ dateOfService: '2021-06-01' })] });
    expect(run('icd10-valid', early, ctxWith({ codeSets: cs }))[0]?.message).toMatch(/edition in force/);
    expect(run('icd10-valid', sampleClaim({ diagnoses: ['Z999'] }))[0]?.message).toMatch(
      /is not an ICD-10-CM code/,
    );
  });

  it('icd10-valid, rejects a code written with a dot', () => {
    expect(run('icd10-valid', sampleClaim({ diagnoses: ['E11.9', 'I10'] }))[0]?.message).toMatch(
      /not written/,
    );
  });

  it('icd10-billable, suggests the billable children, for a category header', () => {
    expect(run('icd10-billable', sampleClaim({ diagnoses: ['E11', 'I10'] }))[0]?.fix).toContain('E118');
  });
});

describe('NCCI PTP', () => {
  const pair = (m1: string[], m2: string[]) =>
    twoLines({ code: '99214', modifiers: m1 }, { code: '81002', modifiers: m2 });

  it('ncci-ptp, never bypasses indicator 0, even with 59', () => {
    const f = run('ncci-ptp', pair([], ['59']), ptpCtx('0'));
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/never paid/);
  });

  it('ncci-ptp, ignores indicator 9 (edit does not apply)', () => {
    expect(run('ncci-ptp', pair([], []), ptpCtx('9'))).toEqual([]);
  });

  it('ncci-ptp, accepts each NCCI-associated modifier on column 2, for indicator 1', () => {
    for (const m of [
      '59',
      'XE',
      'XS',
      'XP',
      'XU',
      '24',
      '25',
      '57',
      '58',
      '78',
      '79',
      '27',
      '91',
      'E1',
      'FA',
      'T9',
      'LT',
      'RC',
    ])
      expect(run('ncci-ptp', pair([], [m]), ptpCtx('1'))).toEqual([]);
  });

  it('ncci-ptp, does not bypass with the modifier on column 1 only or with a non-NCCI modifier', () => {
    expect(run('ncci-ptp', pair(['59'], []), ptpCtx('1'))).toHaveLength(1);
    expect(run('ncci-ptp', pair([], ['76']), ptpCtx('1'))).toHaveLength(1);
  });

  it('ncci-ptp, does not bypass with the same anatomic modifier on both codes', () => {
    expect(run('ncci-ptp', pair(['RT'], ['RT']), ptpCtx('1'))).toHaveLength(1);
    expect(run('ncci-ptp', pair(['LT'], ['RT']), ptpCtx('1'))).toEqual([]);
  });

  it('ncci-ptp, applies only between its effective and deletion dates', () => {
    const ctx = ctxWith({
      codeSets: sampleCodeSets({
        ptp: [
          {
            column1: '99214',
            column2: '81002',
            modifierIndicator: '0',
            from: '2026-01-01',
            to: '2026-03-01',
          },
        ],
      }),
    });
    const on = (dos: string) =>
      twoLines({ code: '99214', dateOfService: dos }, { code: '81002', dateOfService: dos });
    expect(run('ncci-ptp', on('2025-12-31'), ctx)).toEqual([]);
    expect(run('ncci-ptp', on('2026-02-28'), ctx)).toHaveLength(1);
    expect(run('ncci-ptp', on(DOS), ctx)).toEqual([]);
  });

  it('ncci-ptp, does not pair codes billed on different days', () => {
    const c = twoLines({ code: '99214' }, { code: '81002', dateOfService: '2026-03-03' });
    expect(run('ncci-ptp', c, ptpCtx('0'))).toEqual([]);
  });
});

describe('MUE', () => {
  const mue = (mai: '1' | '2' | '3') =>
    ctxWith({ codeSets: sampleCodeSets({ mue: [{ code: '96372', value: 3, adjudicationIndicator: mai }] }) });
  const split = twoLines({ code: '96372', units: 2 }, { code: '96372', units: 2, modifiers: ['59'] });

  it('mue-line, checks each line alone, for MAI 1', () => {
    expect(run('mue-line', split, mue('1'))).toEqual([]);
    expect(run('mue-line', sampleClaim({ lines: [l({ code: '96372', units: 4 })] }), mue('1'))).toHaveLength(
      1,
    );
    expect(run('mue-day', split, mue('1'))).toEqual([]);
  });

  it('mue-day, sums units across lines of the same day, for MAI 2 and 3', () => {
    expect(run('mue-day', split, mue('2'))[0]?.message).toMatch(/policy/);
    expect(run('mue-day', split, mue('3'))[0]?.message).toMatch(/clinical/);
    expect(run('mue-line', split, mue('3'))).toEqual([]);
    const days = twoLines(
      { code: '96372', units: 2 },
      { code: '96372', units: 2, dateOfService: '2026-03-03' },
    );
    expect(run('mue-day', days, mue('3'))).toEqual([]);
  });
});

describe('add-on codes', () => {
  it('addon-primary, needs the primary on the same day, not another day', () => {
    const ctx = ctxWith({ codeSets: sampleCodeSets({ addons: { '99417': ['99215'] } }) });
    const c = twoLines({ code: '99215', dateOfService: '2026-03-01' }, { code: '99417' });
    expect(run('addon-primary', c, ctx)).toHaveLength(1);
  });

  it('addon-primary, skips add-ons without a primary list (AOC type 2)', () => {
    const ctx = ctxWith({ codeSets: sampleCodeSets({ addons: { '99417': [] } }) });
    expect(run('addon-primary', sampleClaim({ lines: [l({ code: '99417' })] }), ctx)).toEqual([]);
  });
});

describe('duplicates and timely filing', () => {
  it('duplicate-service, asks with patient, DOS, code, POS and rendering NPI', () => {
    const keys: unknown[] = [];
    run('duplicate-service', sampleClaim(), ctxWith({ isDuplicate: (k) => (keys.push(k), false) }));
    expect(keys[0]).toEqual({
      patientMrn: 'MRN-TEST-0001',
      dateOfService: DOS,
      procedureCode: '99214',
      placeOfService: '11',
      renderingNpi: FAKE_NPI.rendering,
    });
  });

  it('duplicate-service, does not ask about a replacement, which restates a billed claim', () => {
    const c = sampleClaim({ frequency: '7', originalClaimNumber: 'ICN1' });
    expect(run('duplicate-service', c, ctxWith({ isDuplicate: () => true }))).toEqual([]);
  });

  it('duplicate-service, flags the same line twice on one claim', () => {
    expect(run('duplicate-service', twoLines({ code: '81002' }, { code: '81002' }))).toHaveLength(1);
    expect(
      run('duplicate-service', twoLines({ code: '81002' }, { code: '81002', modifiers: ['91'] })),
    ).toEqual([]);
  });

  it('timely-filing, passes on the last day and fails the day after', () => {
    const ctx = (today: string) => ctxWith({ today, payer: { payerId: 'SANDBOX1', timelyFilingDays: 90 } });
    expect(run('timely-filing', sampleClaim(), ctx('2026-05-31'))).toEqual([]); // 90 days after 2026-03-02
    expect(run('timely-filing', sampleClaim(), ctx('2026-06-01'))).toHaveLength(1);
    expect(run('timely-filing', sampleClaim(), ctxWith())).toEqual([]);
  });
});

describe('sex and age', () => {
  it('sex-specific, flags a pregnancy code for a male patient and not for unknown sex', () => {
    const c = (sex: 'M' | 'U') =>
      sampleClaim({
        patient: { ...sampleClaim().patient, sex },
        diagnoses: ['Z3A20', 'O99810'],
        lines: [l({ diagnosisPointers: [1, 2] })],
      });
    expect(run('sex-specific', c('M'))).toHaveLength(2);
    expect(run('sex-specific', c('U'))).toEqual([]);
  });

  it('sex-specific, accepts a diagnosis whose lines all carry KX', () => {
    const c = sampleClaim({
      patient: { ...sampleClaim().patient, sex: 'M' },
      diagnoses: ['N930'],
      lines: [l({ modifiers: ['KX'] })],
    });
    expect(run('sex-specific', c)).toEqual([]);
    expect(run('sex-specific', { ...c, lines: [l()] })).toHaveLength(1);
  });

  it('sex-specific, flags a female genital procedure for a male patient', () => {
    const c = sampleClaim({ patient: { ...sampleClaim().patient, sex: 'M' }, lines: [l({ code: '58100' })] });
    expect(run('sex-specific', c)).toHaveLength(1);
  });

  it('age-specific, accepts a newborn code at age 0 and a maternity code at 30', () => {
    const baby = sampleClaim({
      patient: { ...sampleClaim().patient, dob: '2026-02-20' },
      diagnoses: ['P0700'],
      lines: [l()],
    });
    expect(run('age-specific', baby)).toEqual([]);
    expect(run('age-specific', sampleClaim({ diagnoses: ['Z3A20'], lines: [l()] }))).toEqual([]);
    const old = sampleClaim({
      patient: { ...sampleClaim().patient, dob: '1950-01-01' },
      diagnoses: ['Z3A20'],
      lines: [l()],
    });
    expect(run('age-specific', old)).toHaveLength(1);
  });
});

describe('dental', () => {
  const d = (over: Partial<Claim['lines'][0]>) =>
    sampleDentalClaim({
      lines: [l({ code: 'D2392', diagnosisPointers: [], tooth: '30', surfaces: 'MO', ...over })],
    });

  it('dental-tooth-valid, accepts permanent, primary and supernumerary teeth', () => {
    for (const tooth of ['1', '32', 'A', 'T', '51', '82', 'AS', 'TS'])
      expect(run('dental-tooth-valid', d({ tooth }))).toEqual([]);
    for (const tooth of ['0', '33', '50', '83', 'U', 'US', '1A'])
      expect(run('dental-tooth-valid', d({ tooth }))).toHaveLength(1);
  });

  it('dental-tooth-required, needs the quadrant for scaling and root planing', () => {
    const srp = sampleDentalClaim({ lines: [l({ code: 'D4341', diagnosisPointers: [] })] });
    expect(run('dental-tooth-required', srp)[0]?.field).toBe('lines[0].area');
    const ok = sampleDentalClaim({ lines: [l({ code: 'D4341', diagnosisPointers: [], area: 'UR' })] });
    expect(run('dental-tooth-required', ok)).toEqual([]);
  });

  it('dental-surface-valid, rejects a repeated surface and surfaces without a tooth', () => {
    expect(run('dental-surface-valid', d({ surfaces: 'MM' }))).toHaveLength(1);
    expect(run('dental-surface-valid', d({ tooth: undefined }))[0]?.field).toBe('lines[0].tooth');
  });

  it('dental-surface-count, accepts D2335 with the incisal angle and D2394 with five surfaces', () => {
    expect(run('dental-surface-count', d({ code: 'D2335', tooth: '8', surfaces: 'MIL' }))).toEqual([]);
    expect(run('dental-surface-count', d({ code: 'D2394', surfaces: 'MODBL' }))).toEqual([]);
    expect(run('dental-surface-count', d({ code: 'D2391', surfaces: 'MO' }))).toHaveLength(1);
  });

  it('diagnosis-limit, allows only 4 diagnoses on a dental claim', () => {
    const c = sampleDentalClaim({ diagnoses: ['K021', 'K022', 'K023', 'K025', 'K029'] });
    expect(run('diagnosis-limit', c)).toHaveLength(1);
  });
});

describe('place of service', () => {
  it('pos-valid, rejects a code used before CMS created it', () => {
    const pace = (dos: string) => sampleClaim({ placeOfService: '66', lines: [l({ dateOfService: dos })] });
    expect(run('pos-valid', pace('2024-07-31'), ctxWith({ today: '2026-01-01' }))[0]?.message).toMatch(
      /2024-08-01/,
    );
    expect(run('pos-valid', pace('2024-08-01'), ctxWith({ today: '2026-01-01' }))).toEqual([]);
  });
});

describe('checkReady', () => {
  it('checkReady, is ready with clean claims, for a fully coded visit', () => {
    const r = checkReady(sampleEncounter(), sampleCoded(), sampleBilling(), ctxWith());
    expect(r).toMatchObject({ ready: true, coding: [] });
    expect(r.claims).toHaveLength(1);
    expect(r.claims[0]!.findings).toEqual([]);
  });

  it('checkReady, lists coding review reasons and scrub errors, for a visit that is not ready', () => {
    const coded = sampleCoded({
      review: [{ code: 'EM_NO_MDM_OR_TIME', message: 'No MDM or time documented.' }],
    });
    const r = checkReady(sampleEncounter({ placeOfService: '38' }), coded, sampleBilling(), ctxWith());
    expect(r.ready).toBe(false);
    expect(r.coding[0]).toMatchObject({ ruleId: 'coding:EM_NO_MDM_OR_TIME', severity: 'error' });
    expect(r.claims[0]!.findings.map((f) => f.ruleId)).toEqual(['pos-valid']);
  });
});

describe('scrub-rules/README.md', () => {
  it('scrub rules README, lists every rule id', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('./scrub-rules/README.md', import.meta.url), 'utf8');
    for (const r of scrubRules)
      expect(readme).toMatch(new RegExp(`\`${r.id}\`\\s*\\|\\s*${r.severity}\\s*\\|`));
  });
});

describe('procedure codes', () => {
  it('procedure-code-format, accepts CPT categories I-III, PLA and HCPCS, for a professional claim', () => {
    for (const code of ['99213', '3074F', '0042T', '0001U', 'J1100', 'G0439'])
      expect(run('procedure-code-format', sampleClaim({ lines: [l({ code })] }))).toEqual([]);
    expect(run('procedure-code-format', sampleClaim({ lines: [l({ code: '99213-25' })] }))).toHaveLength(1);
  });

  it('procedure-code-format, accepts only CDT codes, for a dental claim', () => {
    const c = (code: string) => sampleDentalClaim({ lines: [l({ code, diagnosisPointers: [] })] });
    expect(run('procedure-code-format', c('D0120'))).toEqual([]);
    expect(run('procedure-code-format', c('99213'))[0]?.message).toMatch(/CDT/);
  });

  it('hcpcs-valid, fails a terminated code, leaves CPT alone, and checks nothing without a HCPCS file', () => {
    const ctx = ctxWith({
      codeSets: sampleCodeSets({ hcpcs: [{ code: 'G0001', from: '2000-01-01', to: '2026-01-01' }] }),
    });
    expect(run('hcpcs-valid', sampleClaim({ lines: [l({ code: 'G0001' })] }), ctx)).toHaveLength(1);
    expect(
      run('hcpcs-valid', sampleClaim({ lines: [l({ code: 'G0001', dateOfService: '2025-12-31' })] }), ctx),
    ).toEqual([]);
    expect(run('hcpcs-valid', sampleClaim(), ctx)).toEqual([]);
    expect(run('hcpcs-valid', sampleClaim({ lines: [l({ code: 'G0001' })] }))).toEqual([]);
  });

  it('ncci-loaded, stays quiet for a single code, even without a PTP file', () => {
    expect(run('ncci-loaded', sampleClaim({ lines: [l()] }), ctxWith({ codeSets: fakeCodeSets() }))).toEqual(
      [],
    );
  });
});
