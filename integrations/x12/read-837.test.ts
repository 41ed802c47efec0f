import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { read837 } from './read-837.js';
import { validateX12 } from './validate.js';
import { syntheticClaims, syntheticEnvelope } from './synthetic.js';
import { write837 } from './write-837.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/x12/${name}`, import.meta.url), 'utf8');

describe('read837', () => {
  for (const name of ['golden-837p.x12', 'golden-837d.x12', 'golden-837p-oneline-odd.x12']) {
    it(`golden ${name} round-trips byte for byte through read then write`, () => {
      const text = fixture(name);
      const r = read837(text);
      expect(r.diagnostics).toEqual([]);
      expect(write837(r.value!.claims, r.value!.envelope)).toBe(text);
    });
  }

  it('keeps 2320/2330 other-payer loops out of the claim and out of the next claim under the same subscriber', () => {
    // CLM 1 carries SBR*S / NM1*IL / NM1*PR of a secondary payer; CLM 2 has none.
    const r = read837(fixture('837p-other-payer-loops.x12'));
    const [first, second] = r.value!.claims;
    for (const c of [first!, second!]) {
      expect(c.coverage).toMatchObject({ order: 1, payerId: 'ALPHA01', memberId: 'PRIMARY-MEMBER' });
      expect(c.coverage.groupNumber).toBe('GRP-A');
    }
    expect(second!.lines).toHaveLength(1);
  });

  it('generated batches round-trip the claims themselves, split across several ST/SE', () => {
    for (const kind of ['medical', 'dental'] as const) {
      const claims = syntheticClaims(kind, 60, 9);
      const text = write837(claims, syntheticEnvelope({ claimsPerSt: 25 }));
      const r = read837(text);
      expect(r.value!.claims).toEqual(claims);
      expect(r.value!.envelope.claimsPerSt).toBe(25);
    }
  });

  it('keeps every SV304 oral cavity area of an 837D line (X224A2 allows five) and writes them back', () => {
    const [base] = syntheticClaims('dental', 1, 3);
    // An area instead of a tooth: the line's TOO goes.
    const { tooth: _tooth, surfaces: _surfaces, ...rest } = base!.lines[0]!;
    const line = { ...rest, area: 'UR', areas: ['UR', 'LL'] };
    const text = write837([{ ...base!, lines: [line] }], syntheticEnvelope());
    expect(text).toContain(`*10:30*`);
    expect(validateX12(text).errors).toEqual([]);
    const read = read837(text).value!.claims[0]!.lines[0]!;
    expect(read).toMatchObject({ area: 'UR', areas: ['UR', 'LL'] });
    // One area: no `areas`, as before.
    const one = read837(
      write837([{ ...base!, lines: [{ ...line, areas: undefined }] }], syntheticEnvelope()),
    );
    expect(one.value!.claims[0]!.lines[0]!.area).toBe('UR');
    expect(one.value!.claims[0]!.lines[0]!.areas).toBeUndefined();
  });

  it('reader reports a bad amount with its segment position, not an exception', () => {
    const text = write837(syntheticClaims('medical', 1), syntheticEnvelope()).replace(
      /CLM\*([^*]+)\*[^*]+/,
      'CLM*$1*12.3.4',
    );
    const r = read837(text);
    expect(r.diagnostics[0]).toMatchObject({ code: 'X12_BAD_AMOUNT', segment: 'CLM', field: 'CLM02' });
  });
});

describe('read837 on a third-party style file', () => {
  it('CRLF file with COB 2320, line-level 2420A and notes: validates, and claim-level facts are read', () => {
    const text = fixture('837p-third-party.x12');
    expect(validateX12(text).errors).toEqual([]);
    const r = read837(text);
    expect(r.diagnostics).toEqual([]);
    const [c] = r.value!.claims;
    expect(c).toMatchObject({
      patientControlNumber: '26463774',
      totalChargeCents: 9000,
      placeOfService: '11',
      diagnoses: ['J020', 'Z1159'],
      rendering: { npi: '9876543213', lastName: 'KILDARE' },
      facility: { npi: '5555555551', address: { zip: '331111234' } },
      patient: { lastName: 'SMITH', firstName: 'TED', mrn: 'MR0000123', sex: 'M' },
      coverage: {
        relationship: 'child',
        payerId: '999996666',
        memberId: 'JS00111223333',
        subscriber: { firstName: 'JANE' },
      },
    });
    expect(
      c!.lines.map((l) => [l.code, l.modifiers, l.chargeCents, l.diagnosisPointers, l.dateOfService]),
    ).toEqual([
      ['99213', [], 4000, [1], '2026-10-03'],
      ['87070', [], 1500, [1], '2026-10-03'],
      ['99214', ['25'], 3500, [2, 1], '2026-10-10'],
    ]);
  });
});
