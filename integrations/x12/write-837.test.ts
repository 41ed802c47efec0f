import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syntheticClaim, syntheticClaims, syntheticEnvelope } from './synthetic.js';
import { tokenize } from './tokenize.js';
import { write837 } from './write-837.js';
import type { Claim } from '../../appliance/domain/types.js';

const ids = (text: string) => tokenize(text).segments.map((s) => s.el);
const find = (text: string, id: string) => ids(text).filter((e) => e[0] === id);

function claim(kind: 'medical' | 'dental', patch: Partial<Claim> = {}): Claim {
  const c = syntheticClaim(kind, 1, 1);
  return { ...c, ...patch };
}

describe('write837', () => {
  it('envelope: ISA fixed width with the caller control numbers, ISA15 T/P, GS08/ST03 per kind', () => {
    const t = write837(
      [claim('medical')],
      syntheticEnvelope({ isaControl: 42, gsControl: 7, stStart: 12, testMode: false }),
    );
    expect(t.indexOf('~')).toBe(105);
    const isa = find(t, 'ISA')[0]!;
    expect(isa[13]).toBe('000000042');
    expect(isa[15]).toBe('P');
    expect(find(t, 'GS')[0]![6]).toBe('7');
    expect(find(t, 'ST')[0]).toEqual(['ST', '837', '0012', '005010X222A1']);
    expect(find(t, 'GE')[0]).toEqual(['GE', '1', '7']);
    expect(find(t, 'IEA')[0]).toEqual(['IEA', '1', '000000042']);
    const d = write837([claim('dental')], syntheticEnvelope());
    expect(find(d, 'ST')[0]![3]).toBe('005010X224A2');
    expect(find(d, 'ISA')[0]![15]).toBe('T');
  });

  it('HL hierarchy: patient HL only when the patient is not the subscriber, with correct parents and child codes', () => {
    const self = claim('medical', {
      coverage: { ...claim('medical').coverage, relationship: 'self', subscriber: undefined },
    });
    const child = claim('medical', {
      coverage: {
        ...claim('medical').coverage,
        relationship: 'child',
        subscriber: { lastName: 'Parent', firstName: 'Pat', dob: '1970-01-01', sex: 'F' },
      },
    });
    const t = write837([self, child], syntheticEnvelope());
    expect(find(t, 'HL')).toEqual([
      ['HL', '1', '', '20', '1'],
      ['HL', '2', '1', '22', '0'],
      ['HL', '3', '1', '22', '1'],
      ['HL', '4', '3', '23', '0'],
    ]);
    expect(find(t, 'SBR').map((s) => s[2])).toEqual(['18', '']);
    expect(find(t, 'PAT')).toEqual([['PAT', '19']]);
  });

  it('CLM05 POS:B:frequency, REF*G1 prior auth, REF*F8 for replacement and void', () => {
    const t = write837(
      [
        claim('medical', {
          frequency: '7',
          originalClaimNumber: 'ORIG1',
          priorAuthorization: 'PA9',
          placeOfService: '02',
        }),
      ],
      syntheticEnvelope(),
    );
    const clm = find(t, 'CLM')[0]!;
    expect(clm[5]).toBe('02:B:7');
    expect(find(t, 'REF').filter((r) => r[1] === 'G1' || r[1] === 'F8')).toEqual([
      ['REF', 'G1', 'PA9'],
      ['REF', 'F8', 'ORIG1'],
    ]);
  });

  it('HI carries ABK then ABF; SV1 carries HC:code:mods, UN, units and pointers', () => {
    const c = claim('medical', {
      diagnoses: ['J069', 'R509'],
      lines: [
        {
          lineNumber: 1,
          code: '99213',
          modifiers: ['25', '95'],
          units: 2,
          chargeCents: 12550,
          diagnosisPointers: [2, 1],
          dateOfService: '2026-03-04',
        },
      ],
      totalChargeCents: 12550,
    });
    const t = write837([c], syntheticEnvelope());
    expect(find(t, 'HI')[0]).toEqual(['HI', 'ABK:J069', 'ABF:R509']);
    expect(find(t, 'SV1')[0]).toEqual(['SV1', 'HC:99213:25:95', '125.5', 'UN', '2', '', '', '2:1']);
    expect(find(t, 'DTP')).toContainEqual(['DTP', '472', 'D8', '20260304']);
  });

  it('837D: SV3 AD code, oral cavity area, units; TOO JP tooth and surfaces; service date at claim level when shared', () => {
    const c = claim('dental', {
      diagnoses: ['K0251'],
      lines: [
        {
          lineNumber: 1,
          code: 'D2392',
          modifiers: [],
          units: 1,
          chargeCents: 15000,
          diagnosisPointers: [1],
          dateOfService: '2026-05-06',
          tooth: '30',
          surfaces: 'MOD',
        },
        {
          lineNumber: 2,
          code: 'D4341',
          modifiers: [],
          units: 1,
          chargeCents: 20000,
          diagnosisPointers: [],
          dateOfService: '2026-05-06',
          area: 'UR',
        },
      ],
      totalChargeCents: 35000,
    });
    const t = write837([c], syntheticEnvelope());
    expect(find(t, 'SV3')).toEqual([
      ['SV3', 'AD:D2392', '150', '', '', '', '1', '', '', '', '', '1'],
      ['SV3', 'AD:D4341', '200', '', '10', '', '1'],
    ]);
    expect(find(t, 'TOO')).toEqual([['TOO', 'JP', '30', 'M:O:D']]);
    expect(find(t, 'DTP')).toEqual([['DTP', '472', 'D8', '20260506']]);
    const split = write837(
      [{ ...c, lines: c.lines.map((l, i) => ({ ...l, dateOfService: `2026-05-0${i + 6}` })) }],
      syntheticEnvelope(),
    );
    expect(find(split, 'DTP').map((d) => d[3])).toEqual(['20260506', '20260507']);
  });

  it('claimsPerSt splits the batch into several ST/SE sets with their own counts and HL numbering', () => {
    const cs = [1, 2, 3, 4, 5].map((i) => syntheticClaim('medical', i, 5));
    const t = write837(cs, syntheticEnvelope({ claimsPerSt: 2, stStart: 9 }));
    expect(find(t, 'ST').map((s) => s[2])).toEqual(['0009', '0010', '0011']);
    expect(find(t, 'GE')[0]![1]).toBe('3');
    expect(find(t, 'HL').filter((h) => h[1] === '1')).toHaveLength(3);
  });

  it('SE01 counts the segments written, also when a 2000C patient has no date of birth (no DMG)', () => {
    const c = claim('medical');
    const noDob = claim('medical', {
      patient: { ...c.patient, dob: '' },
      coverage: {
        ...c.coverage,
        relationship: 'child',
        subscriber: { lastName: 'Parent', firstName: 'Pat', dob: '1970-01-01', sex: 'F' },
      },
    });
    for (const t of [write837([c, noDob], syntheticEnvelope()), write837([noDob], syntheticEnvelope())]) {
      const segs = ids(t);
      const st = segs.findIndex((s) => s[0] === 'ST');
      const se = segs.findIndex((s) => s[0] === 'SE');
      expect(segs[se]![1]).toBe(String(se - st + 1));
    }
  });

  it('delimiter characters inside free text are replaced, never break the file', () => {
    const c = claim('medical');
    const t = write837([{ ...c, patient: { ...c.patient, lastName: 'O*Brien~Test' } }], syntheticEnvelope());
    expect(t).toContain('O Brien Test');
  });

  it('output bytes equal what the template-string writer produced (SHA-256 recorded from it), for both guides and odd separators', () => {
    // Recorded from the string writer this emitter replaced (with the SE01 fix), so a later speed-up
    // that changes one byte fails here; the 746-file differential check it passed is in the commit log.
    const odd = { element: '|', component: '>', repetition: '!', segment: '~\n' };
    const wide = { element: '\u00a7', component: '\u2022', repetition: '^', segment: '~' };
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    const names = (cs: Claim[]) =>
      cs.map((c, i) => ({
        ...c,
        patient: { ...c.patient, lastName: i % 3 ? 'Zo\u00eb\u2022\u65e5' : 'O*Brien|x' },
      }));
    expect(sha(write837(syntheticClaims('medical', 200, 7), syntheticEnvelope()))).toBe(
      '617b109beade29eb5935fb97e257284dbbbb72775c070c0e2569dfe430d990dd',
    );
    expect(sha(write837(syntheticClaims('dental', 200, 7), syntheticEnvelope()))).toBe(
      '928bb287f43c41bc14989f4b6b0e919381d36554fef34448592c62ad2c1cada4',
    );
    const live = syntheticEnvelope({
      separators: odd,
      claimsPerSt: 3,
      testMode: false,
      isaControl: 999999999,
      gsControl: 123456789,
      stStart: 9998,
    });
    expect(sha(write837(syntheticClaims('medical', 50, 8), live))).toBe(
      '098899a82cf6a242b83b2a17a2d89534415f0fad50d43ec8fd1eb4957aecc2c6',
    );
    expect(
      sha(write837(names(syntheticClaims('dental', 50, 9)), syntheticEnvelope({ separators: wide }))),
    ).toBe('e8663f2f4b91b4a025af1c6d3319757c1fd9f98be48136ddc3e0175889f730e5');
  });
});
