import { describe, expect, it } from 'vitest';
import { ClaimboxError } from '../domain/errors.js';
import type { ChargeLine, Claim } from '../domain/types.js';
import { buildClaims, groupChargeItems, replacementFor, voidFor, type ChargeItemLike } from './claims.js';
import { scrubClaim } from './scrub.js';
import { sampleCodeSets } from './test-codesets.js';
import { DOS, FAKE_NPI, sampleBilling, sampleClaim, sampleCoded, sampleEncounter } from './test-fixtures.js';

const why = [{ rule: 'test', input: 'test' }];
const chargeLine = (over: Partial<ChargeLine> = {}): ChargeLine => ({
  code: '99213',
  modifiers: [],
  units: 1,
  chargeCents: 10_000,
  diagnosisPointers: [1],
  dateOfService: DOS,
  why,
  ...over,
});

/** Every line's pointers, read back as the diagnosis codes they name. */
const pointedCodes = (c: Claim) => c.lines.map((l) => l.diagnosisPointers.map((p) => c.diagnoses[p - 1]));

describe('buildClaims', () => {
  it('buildClaims, builds one balanced original claim to the primary coverage, for a simple visit', () => {
    const enc = sampleEncounter({
      coverages: [
        { order: 2, payerId: 'SECOND1', payerName: 'SECONDARY PLAN', memberId: 'S1', relationship: 'self' },
        sampleEncounter().coverages[0]!,
      ],
      authorizationNumber: 'AUTH-1',
    });
    const [claim, ...rest] = buildClaims(enc, sampleCoded(), sampleBilling());
    expect(rest).toEqual([]);
    expect(claim).toEqual({ ...sampleClaim({ patientControlNumber: '' }), priorAuthorization: 'AUTH-1' });
    expect(scrubClaim(claim!, { codeSets: sampleCodeSets(), today: '2026-03-10' })).toEqual([]);
  });

  it('buildClaims, strips dots and merges repeated diagnoses, remapping pointers', () => {
    const coded = sampleCoded({
      diagnoses: [
        { code: 'e11.9', why },
        { code: 'I10', why },
        { code: 'E119', why },
      ],
      lines: [chargeLine({ diagnosisPointers: [3, 2] })],
    });
    const [claim] = buildClaims(sampleEncounter(), coded, sampleBilling());
    expect(claim!.diagnoses).toEqual(['E119', 'I10']);
    expect(claim!.lines[0]!.diagnosisPointers).toEqual([1, 2]);
  });

  it('buildClaims, merges identical lines, summing units and charges', () => {
    const coded = sampleCoded({
      lines: [
        chargeLine({ code: '96372', chargeCents: 3_000 }),
        chargeLine({ code: '99214' }),
        chargeLine({ code: '96372', chargeCents: 3_000, diagnosisPointers: [2] }),
        chargeLine({ code: '96372', chargeCents: 3_000, modifiers: ['59'] }),
      ],
    });
    const [claim] = buildClaims(sampleEncounter(), coded, sampleBilling());
    expect(
      claim!.lines.map((l) => [
        l.lineNumber,
        l.code,
        l.modifiers,
        l.units,
        l.chargeCents,
        l.diagnosisPointers,
      ]),
    ).toEqual([
      [1, '96372', [], 2, 6_000, [1, 2]],
      [2, '99214', [], 1, 10_000, [1]],
      [3, '96372', ['59'], 1, 3_000, [1]],
    ]);
    expect(claim!.totalChargeCents).toBe(19_000);
  });

  it('buildClaims, keeps separate teeth on separate lines, for dental', () => {
    const coded = sampleCoded({
      diagnoses: [],
      lines: [
        chargeLine({ code: 'D2392', tooth: '30', surfaces: 'MO', diagnosisPointers: [] }),
        chargeLine({ code: 'D2392', tooth: '31', surfaces: 'MO', diagnosisPointers: [] }),
      ],
    });
    const claims = buildClaims(sampleEncounter({ kind: 'dental' }), coded, sampleBilling());
    expect(claims[0]!.lines.map((l) => l.tooth)).toEqual(['30', '31']);
  });

  it('buildClaims, splits into claims of at most 12 diagnoses with pointers remapped, for 14 diagnoses', () => {
    const codes = Array.from({ length: 14 }, (_, i) => `A0${String(i).padStart(2, '0')}`);
    const coded = sampleCoded({
      diagnoses: codes.map((code) => ({ code, why })),
      lines: codes.map((_, i) =>
        chargeLine({ code: `1000${i % 10}`, modifiers: i >= 10 ? ['59'] : [], diagnosisPointers: [i + 1] }),
      ),
    });
    const claims = buildClaims(sampleEncounter(), coded, sampleBilling());
    expect(claims).toHaveLength(2);
    expect(claims.map((c) => c.diagnoses.length)).toEqual([12, 2]);
    expect(claims.flatMap(pointedCodes)).toEqual(codes.map((c) => [c]));
    for (const c of claims) expect(c.totalChargeCents).toBe(c.lines.length * 10_000);
  });

  it('buildClaims, keeps a line with its 4 diagnoses together when packing, and drops a fifth pointer', () => {
    const codes = Array.from({ length: 6 }, (_, i) => `B00${i}`);
    const coded = sampleCoded({
      diagnoses: codes.map((code) => ({ code, why })),
      lines: [
        chargeLine({ diagnosisPointers: [1, 2, 3, 4, 5] }),
        chargeLine({ code: '99214', diagnosisPointers: [6] }),
      ],
    });
    const [claim] = buildClaims(sampleEncounter(), coded, sampleBilling());
    expect(pointedCodes(claim!)).toEqual([['B000', 'B001', 'B002', 'B003'], ['B005']]);
    expect(claim!.diagnoses).toEqual(codes); // B004 unused by any line still rides along
  });

  it('buildClaims, allows 4 diagnoses per claim, for dental', () => {
    const coded = sampleCoded({
      diagnoses: ['K021', 'K022', 'K023', 'K025', 'K029'].map((code) => ({ code, why })),
      lines: [1, 2, 3, 4, 5].map((p) =>
        chargeLine({ code: 'D2391', tooth: String(p), surfaces: 'O', diagnosisPointers: [p] }),
      ),
    });
    const claims = buildClaims(sampleEncounter({ kind: 'dental' }), coded, sampleBilling());
    expect(claims.map((c) => c.diagnoses)).toEqual([['K021', 'K022', 'K023', 'K025'], ['K029']]);
  });

  it('buildClaims, splits at maxLines, for a long encounter', () => {
    const coded = sampleCoded({
      lines: Array.from({ length: 120 }, (_, i) => chargeLine({ code: String(10_000 + i) })),
    });
    const claims = buildClaims(sampleEncounter(), coded, sampleBilling());
    expect(claims.map((c) => c.lines.length)).toEqual([50, 50, 20]);
    expect(claims[1]!.lines[0]).toMatchObject({ lineNumber: 1, code: '10050' });
    expect(
      buildClaims(sampleEncounter(), coded, sampleBilling(), { maxLines: 60 }).map((c) => c.lines.length),
    ).toEqual([60, 60]);
  });

  it('buildClaims, carries frequency 7 and the original claim number, when asked', () => {
    const [claim] = buildClaims(sampleEncounter(), sampleCoded(), sampleBilling(), {
      frequency: '7',
      originalClaimNumber: 'ICN-9',
    });
    expect(claim).toMatchObject({ frequency: '7', originalClaimNumber: 'ICN-9' });
  });

  it('buildClaims, still returns a claim scrub can explain, for a visit without insurance', () => {
    const [claim] = buildClaims(sampleEncounter({ coverages: [] }), sampleCoded(), sampleBilling());
    const ids = scrubClaim(claim!, { codeSets: sampleCodeSets(), today: '2026-03-10' }).map((f) => f.ruleId);
    expect(ids).toContain('required-payer');
    expect(ids).toContain('required-subscriber');
  });
});

describe('groupChargeItems', () => {
  const item = (over: Partial<ChargeItemLike & { id: number }> = {}): ChargeItemLike & { id: number } => ({
    id: 1,
    patientId: 7,
    dateOfService: DOS,
    code: '99213',
    modifiers: [],
    units: 1,
    chargeCents: 10_000,
    authorization: null,
    placeOfService: '11',
    renderingNpi: FAKE_NPI.rendering,
    ...over,
  });

  it('groupChargeItems, merges items of the same service into one line, summing units and charges', () => {
    const groups = groupChargeItems([
      item({ id: 1, code: '96372' }),
      item({ id: 2 }),
      item({ id: 3, code: '96372', chargeCents: 5_000 }),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.lines.map((l) => [l.code, l.units, l.chargeCents, l.items.map((i) => i.id)])).toEqual([
      ['96372', 2, 15_000, [1, 3]],
      ['99213', 1, 10_000, [2]],
    ]);
  });

  it('groupChargeItems, keeps separate lines, for different dates, end dates, modifiers or teeth', () => {
    const [g] = groupChargeItems([
      item(),
      item({ dateOfService: '2026-03-03' }),
      item({ endDate: '2026-03-04' }),
      item({ modifiers: ['25'] }),
      item({ tooth: '3' }),
    ]);
    expect(g!.lines).toHaveLength(5);
  });

  it('groupChargeItems, splits claims, for a different patient, authorization, POS, rendering provider or facility', () => {
    const groups = groupChargeItems([
      item(),
      item({ patientId: 8 }),
      item({ authorization: 'AUTH-2' }),
      item({ placeOfService: '02' }),
      item({ renderingNpi: FAKE_NPI.other }),
      item({ facility: FAKE_NPI.facility }),
      item({ code: '99214' }),
    ]);
    expect(groups).toHaveLength(6);
    expect(groups[0]!.lines.map((l) => l.code)).toEqual(['99213', '99214']);
    expect(groups[2]).toMatchObject({ authorization: 'AUTH-2' });
    expect(groups[5]).toMatchObject({ facility: FAKE_NPI.facility });
  });

  it('groupChargeItems, treats a blank authorization like none', () => {
    expect(
      groupChargeItems([item({ authorization: '' }), item({ authorization: null, code: '99214' })]),
    ).toHaveLength(1);
  });

  it('groupChargeItems, splits at 50 lines, for 120 distinct services', () => {
    const items = Array.from({ length: 120 }, (_, i) => item({ id: i, code: String(10_000 + i) }));
    const groups = groupChargeItems(items);
    expect(groups.map((g) => g.lines.length)).toEqual([50, 50, 20]);
    expect(groups.every((g) => g.patientId === 7)).toBe(true);
  });
});

describe('frequency codes', () => {
  const original = sampleClaim({ patientControlNumber: 'PCN0001' });

  it('replacementFor, makes frequency 7 with REF F8 and the changed content', () => {
    const changed = sampleClaim({
      patientControlNumber: '',
      diagnoses: ['E119'],
      lines: [sampleClaim().lines[0]!],
    });
    changed.lines[0]!.diagnosisPointers = [1];
    const r = replacementFor(original, changed, ' ICN-123 ');
    expect(r).toMatchObject({
      frequency: '7',
      originalClaimNumber: 'ICN-123',
      patientControlNumber: '',
      diagnoses: ['E119'],
    });
    expect(r.totalChargeCents).toBe(15_000);
    expect(scrubClaim(r, { codeSets: sampleCodeSets(), today: '2026-03-10' })).toEqual([]);
  });

  it('replacementFor, refuses a different payer or patient and a blank claim number', () => {
    const otherPayer = sampleClaim({ coverage: { ...original.coverage, payerId: 'OTHER1' } });
    expect(() => replacementFor(original, otherPayer, 'ICN-1')).toThrow(ClaimboxError);
    expect(() => replacementFor(original, original, ' ')).toThrow(/REF\*F8/);
  });

  it('voidFor, makes frequency 8 with REF F8 and the original lines and charges', () => {
    const v = voidFor(original, 'ICN-123');
    expect(v).toMatchObject({ frequency: '8', originalClaimNumber: 'ICN-123', patientControlNumber: '' });
    expect(v.lines).toEqual(original.lines);
    expect(v.lines[0]).not.toBe(original.lines[0]);
    expect(v.totalChargeCents).toBe(original.totalChargeCents);
    expect(original.frequency).toBe('1');
    expect(() => voidFor(original, '')).toThrow(ClaimboxError);
  });

  it('frequency-original, holds a void built without a payer claim number', () => {
    const bad = { ...voidFor(original, 'X'), originalClaimNumber: '' };
    expect(scrubClaim(bad, { codeSets: sampleCodeSets(), today: '2026-03-10' }).map((f) => f.ruleId)).toEqual(
      ['frequency-original'],
    );
  });
});
