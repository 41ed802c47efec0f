// Synthetic claims for tests across folders (scrub, claims, the X12 writer). Every identifier is
// made up but passes format checks: NPIs carry a correct Luhn check digit (80840 prefix), the EIN
// has an IRS-assigned prefix. Names are obviously fake. No real patients, nothing SSN-shaped.
import type {
  BillingProvider,
  Claim,
  ClaimLine,
  CodedEncounter,
  EncounterInput,
  Practitioner,
} from '../domain/types.js';

/** Valid synthetic NPIs (check digits computed with the CMS algorithm). */
export const FAKE_NPI = {
  billing: '2000000028',
  rendering: '1234567893',
  referring: '1999999984',
  facility: '2999999990',
  other: '1555555550',
} as const;

export const FAKE_EIN = '991234567';

export const DOS = '2026-03-02';

export function sampleBilling(overrides: Partial<BillingProvider> = {}): BillingProvider {
  return {
    name: 'EXAMPLE FAMILY PRACTICE',
    npi: FAKE_NPI.billing,
    taxId: FAKE_EIN,
    address: { line1: '100 EXAMPLE STREET', city: 'SAMPLEVILLE', state: 'OR', zip: '970000001' },
    contactName: 'BILLING DESK',
    contactPhone: '5035550100',
    ...overrides,
  };
}

export const sampleRendering: Practitioner = {
  npi: FAKE_NPI.rendering,
  lastName: 'DOCTOR',
  firstName: 'EXAMPLE',
  taxonomy: '207Q00000X',
};

export function sampleLine(overrides: Partial<ClaimLine> = {}): ClaimLine {
  return {
    lineNumber: 1,
    code: '99213',
    modifiers: [],
    units: 1,
    chargeCents: 12_500,
    diagnosisPointers: [1],
    dateOfService: DOS,
    ...overrides,
  };
}

/**
 * A clean professional claim (837P): established visit plus a urinalysis, two diagnoses. Overrides
 * replace top-level fields; when `lines` is overridden without `totalChargeCents`, the total is
 * recomputed so the claim stays balanced.
 */
export function sampleClaim(overrides: Partial<Claim> = {}): Claim {
  const base: Claim = {
    kind: 'medical',
    patientControlNumber: 'PCN0001',
    frequency: '1',
    billing: sampleBilling(),
    rendering: sampleRendering,
    patient: {
      mrn: 'MRN-TEST-0001',
      lastName: 'TESTPATIENT',
      firstName: 'ALPHA',
      dob: '1980-05-15',
      sex: 'F',
      address: { line1: '1 FAKE LANE', city: 'SAMPLEVILLE', state: 'OR', zip: '97000' },
    },
    coverage: {
      order: 1,
      payerId: 'SANDBOX1',
      payerName: 'SANDBOX HEALTH PLAN',
      memberId: 'ZZX000000001',
      groupNumber: 'GRP0001',
      filingIndicator: 'CI',
      relationship: 'self',
    },
    placeOfService: '11',
    diagnoses: ['E119', 'I10'],
    lines: [
      sampleLine({ lineNumber: 1, code: '99214', chargeCents: 15_000, diagnosisPointers: [1, 2] }),
      sampleLine({ lineNumber: 2, code: '81002', chargeCents: 1_500, diagnosisPointers: [1] }),
    ],
    totalChargeCents: 16_500,
  };
  const claim = { ...base, ...overrides };
  if (overrides.lines && overrides.totalChargeCents === undefined)
    claim.totalChargeCents = claim.lines.reduce((s, l) => s + l.chargeCents, 0);
  return claim;
}

/** A clean dental claim (837D): periodic exam and a two-surface posterior composite on tooth 30. */
export function sampleDentalClaim(overrides: Partial<Claim> = {}): Claim {
  return sampleClaim({
    kind: 'dental',
    rendering: { ...sampleRendering, taxonomy: '1223G0001X' },
    diagnoses: [],
    lines: [
      sampleLine({ lineNumber: 1, code: 'D0120', chargeCents: 6_500, diagnosisPointers: [] }),
      sampleLine({
        lineNumber: 2,
        code: 'D2392',
        chargeCents: 21_000,
        diagnosisPointers: [],
        tooth: '30',
        surfaces: 'MO',
      }),
    ],
    ...overrides,
  });
}

/** The encounter behind sampleClaim, as intake would normalize it. */
export function sampleEncounter(overrides: Partial<EncounterInput> = {}): EncounterInput {
  const c = sampleClaim();
  return {
    kind: 'medical',
    source: { system: 'FAKEEHR', visitNumber: 'V0001' },
    patient: c.patient,
    coverages: [c.coverage],
    rendering: sampleRendering,
    dateOfService: DOS,
    placeOfService: '11',
    diagnoses: [
      { seq: 1, system: 'ICD10', code: 'E11.9' },
      { seq: 2, system: 'ICD10', code: 'I10' },
    ],
    procedures: [{ system: 'CPT', code: '99214', diagnosisSeqs: [1, 2] }],
    finalizedAt: '2026-03-02T18:00:00.000Z',
    ...overrides,
  };
}

/** What coding would make of sampleEncounter. */
export function sampleCoded(overrides: Partial<CodedEncounter> = {}): CodedEncounter {
  const why = [{ rule: 'fixture', input: 'test' }];
  return {
    diagnoses: [
      { code: 'E119', why },
      { code: 'I10', why },
    ],
    lines: [
      {
        code: '99214',
        modifiers: [],
        units: 1,
        chargeCents: 15_000,
        diagnosisPointers: [1, 2],
        dateOfService: DOS,
        why,
      },
      {
        code: '81002',
        modifiers: [],
        units: 1,
        chargeCents: 1_500,
        diagnosisPointers: [1],
        dateOfService: DOS,
        why,
      },
    ],
    review: [],
    ...overrides,
  };
}
