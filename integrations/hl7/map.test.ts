import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hl7Date, hl7Instant, toCents, toEnvelope } from './map.js';
import { dentalGeneric, generic25, validateProfile, PROFILES } from './profiles.js';
import { sampleDft, sampleMdm } from './sample.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/hl7/${name}`, import.meta.url));
const env = (raw: string | Buffer, profile = generic25) =>
  toEnvelope(typeof raw === 'string' ? Buffer.from(raw) : raw, 'mllp', profile);

describe('toEnvelope DFT^P03', () => {
  it('takes an IN1-15 plan type as the filing indicator only when 5010 SBR09 allows it', () => {
    const withPlan = (code: string) =>
      sampleDft({ index: 4 })
        .split('\r')
        .map((seg) => {
          if (!seg.startsWith('IN1|')) return seg;
          const f = seg.split('|');
          if (f[15] === 'MB') f[15] = code;
          return f.join('|');
        })
        .join('\r');
    expect(env(withPlan('MC')).envelope!.encounter!.coverages[1]?.filingIndicator).toBe('MC');
    // PO and EP were 4010 codes; the 5010 validator refuses them, so the mapper does not take them.
    expect(env(withPlan('PO')).envelope!.encounter!.coverages[1]?.filingIndicator).toBeUndefined();
  });

  it('maps patient, visit, coverage, guarantor, diagnoses and charges, with the generic profile', () => {
    const r = env(sampleDft({ index: 4 }));
    const e = r.envelope!;
    expect(r.reject).toBeUndefined();
    expect(e).toMatchObject({
      sender: 'FAKEEHR^DEMO CLINIC',
      controlId: 'MSG00000004',
      messageType: 'DFT^P03',
    });
    expect(e.awaitingFinal).toBeUndefined();
    const enc = e.encounter!;
    expect(enc.source).toEqual({ system: 'FAKEEHR', visitNumber: 'V0000004' });
    expect(enc.patient).toMatchObject({
      mrn: 'MRN0000004',
      lastName: 'Mockwell',
      dob: '1954-05-15',
      sex: 'M',
    });
    expect(enc.patient.address).toMatchObject({ city: 'Springfield', state: 'IL', zip: '62701' });
    expect(enc.dateOfService).toBe('2026-05-05');
    expect(enc.placeOfService).toBe('11');
    expect(enc.rendering).toEqual({ npi: '1234567893', lastName: 'Provider', firstName: 'Pat' });
    expect(enc.referring?.npi).toBe('1497758544');
    expect(enc.coverages).toHaveLength(2);
    expect(enc.coverages[0]).toMatchObject({
      order: 1,
      payerId: '60054',
      memberId: 'MEM000000004',
      relationship: 'self',
    });
    expect(enc.coverages[1]).toMatchObject({ order: 2, relationship: 'spouse', filingIndicator: 'MB' });
    expect(enc.coverages[1]!.subscriber).toMatchObject({ lastName: 'Samplee', dob: '1960-01-01' });
    expect(enc.guarantor?.lastName).toBe('Mockwell');
    expect(enc.diagnoses.map((d) => d.code)).toEqual(['R519', 'E119', 'I10', 'Z23']);
    expect(enc.procedures).toHaveLength(6);
    const biopsy = enc.procedures.find((p) => p.code === '11102')!;
    expect(biopsy).toMatchObject({ system: 'CPT', units: 2, chargeCents: 12650, diagnosisSeqs: [1, 2, 3] });
    const vp = enc.procedures.find((p) => p.code === '36415')!;
    expect(vp.modifiers).toEqual(['RT', '59']);
    expect(enc.procedures.find((p) => p.code === '99213')!.modifiers).toEqual(['25']);
    expect(enc).toMatchObject({
      mdm: 'low',
      totalMinutes: 24,
      visitType: 'established',
      authorizationNumber: 'AUTH00004',
    });
    expect(enc.finalizedAt).toBe('2026-05-05T15:30:12.000Z');
  });

  it('reads the same encounter from CR, LF, CRLF, BOM, odd-delimiter, 2.3 and 2.8 fixtures', () => {
    for (const f of [
      'dft-p03.hl7',
      'dft-p03-lf.hl7',
      'dft-p03-crlf.hl7',
      'dft-p03-bom.hl7',
      'dft-p03-odd-delimiters.hl7',
      'dft-p03-v23.hl7',
      'dft-p03-v28.hl7',
      'dft-p03-win1252.hl7',
    ]) {
      const r = env(fixture(f));
      expect(r.envelope?.encounter, f).toBeDefined();
      expect(r.envelope!.encounter!.procedures.length, f).toBe(6);
    }
    expect(env(fixture('dft-p03-win1252.hl7')).envelope!.encounter!.patient.lastName).toBe('Zo\u00eb');
  });

  it('marks the encounter awaiting a final note, when the profile takes final from MDM', () => {
    const r = env(fixture('dental-dft-p03.hl7'), dentalGeneric);
    expect(r.envelope!.awaitingFinal).toBe(true);
    const enc = r.envelope!.encounter!;
    expect(enc.kind).toBe('dental');
    const p = enc.procedures.find((x) => x.code === 'D2392');
    expect(p).toMatchObject({ system: 'CDT', tooth: '30', surfaces: 'MO' });
    expect(p!.modifiers).toBeUndefined();
    expect(enc.procedures.find((x) => x.code === 'D4341')?.area).toBe('UR');
  });

  it.each([
    ['broken/no-visit-number.hl7', 'HL7_NO_VISIT_NUMBER', /PV1-19/],
    ['broken/no-patient-id.hl7', 'HL7_NO_PATIENT_ID', /PID-3/],
    ['broken/no-procedures.hl7', 'HL7_NO_PROCEDURES', /procedure/],
    ['broken/bad-dates.hl7', 'HL7_BAD_DATE', /not a valid date/],
  ])('quarantines %s with a clear reason', (file, code, reason) => {
    const r = env(fixture(file));
    expect(r.reject).toBeUndefined();
    expect(r.envelope!.quarantine).toMatchObject({ code });
    expect(r.envelope!.quarantine!.reason).toMatch(reason);
    expect(r.envelope!.encounter).toBeUndefined();
  });

  it.each([
    ['broken/empty.hl7', 'HL7_NO_MSH'],
    ['broken/no-msh.hl7', 'HL7_NO_MSH'],
    ['broken/truncated-msh.hl7', 'HL7_BAD_MSH'],
    ['broken/bad-delimiters.hl7', 'HL7_BAD_DELIMITERS'],
    ['broken/msh-no-type.hl7', 'HL7_NO_TYPE'],
    ['broken/binary-junk.bin', 'HL7_NO_MSH'],
    ['broken/unsupported-type.hl7', 'HL7_UNSUPPORTED_TYPE'],
    ['broken/unsupported-dft-event.hl7', 'HL7_UNSUPPORTED_EVENT'],
  ])('rejects %s (AR) with code %s', (file, code) => {
    const r = env(fixture(file));
    expect(r.envelope).toBeUndefined();
    expect(r.reject?.code).toBe(code);
    expect(r.reject?.reason.length).toBeGreaterThan(5);
  });

  it('takes the ICD-10-CM alternate of a SNOMED diagnosis, and keeps SNOMED when there is none', () => {
    const msg = sampleDft({ index: 4 })
      .replace(
        'DG1|1|I10|R51.9^Headache unspecified^I10',
        'DG1|1|I10|25064002^Headache^SCT^R51.9^Headache unspecified^I10',
      )
      .replace(
        'DG1|2|I10|E11.9^Type 2 diabetes mellitus without complications^I10',
        'DG1|2|I10|44054006^Diabetes type 2^SCT',
      );
    const dx = env(msg).envelope!.encounter!.diagnoses;
    expect(dx[0]).toMatchObject({ seq: 1, system: 'ICD10', code: 'R519' });
    expect(dx[1]).toMatchObject({ seq: 2, system: 'SNOMED', code: '44054006' });
  });

  it('ignores (stores and ACKs) message types that are not ours, like ADT', () => {
    expect(env(fixture('broken/adt-a08-ignored.hl7')).envelope!.ignore).toMatch(/ADT\^A08/);
  });

  it('maps a message with a garbage line, skipping the line with a warning', () => {
    const r = env(fixture('broken/segment-garbage.hl7'));
    expect(r.envelope!.encounter).toBeDefined();
    expect(r.diagnostics.some((d) => d.code === 'HL7_BAD_SEGMENT_ID')).toBe(true);
  });
});

describe('toEnvelope MDM^T02/T04', () => {
  it('gives a finalize signal with TXA-22 time, when TXA-17 is AU and the profile uses MDM', () => {
    const r = env(fixture('mdm-t02-final.hl7'), dentalGeneric);
    expect(r.envelope!.finalizes).toEqual({
      sourceSystem: 'FAKEEHR',
      visitNumber: 'V0000001',
      finalizedAt: '2026-02-02T16:55:00.000Z',
    });
  });

  it('ignores a note that is not final (TXA-17 IP)', () => {
    expect(env(fixture('mdm-t02-in-progress.hl7'), dentalGeneric).envelope!.ignore).toMatch(/not final/);
  });

  it('accepts LA as final and T04 as a finalizing event', () => {
    const t04 = sampleMdm({ index: 3, status: 'LA' }).replace('MDM^T02^MDM_T02', 'MDM^T04');
    expect(env(t04, dentalGeneric).envelope!.finalizes?.visitNumber).toBe('V0000003');
  });

  it('ignores MDM, when the profile takes final from the DFT', () => {
    expect(env(fixture('mdm-t02-final.hl7'), generic25).envelope!.ignore).toMatch(/DFT/);
  });

  it('quarantines an MDM without a visit number', () => {
    const r = env(sampleMdm({ index: 3, visitNumber: '' }), dentalGeneric);
    expect(r.envelope!.quarantine?.code).toBe('HL7_NO_VISIT_NUMBER');
  });
});

describe('values', () => {
  it('reads HL7 dates and rejects impossible ones', () => {
    expect(hl7Date('20240229')).toBe('2024-02-29');
    expect(hl7Date('20230229')).toBeUndefined();
    expect(hl7Date('2024')).toBeUndefined();
    expect(hl7Date('20241301')).toBeUndefined();
  });

  it('reads HL7 timestamps with and without offsets as UTC instants', () => {
    expect(hl7Instant('20260301120000-0600')).toBe('2026-03-01T18:00:00.000Z');
    expect(hl7Instant('202603011200')).toBe('2026-03-01T12:00:00.000Z');
    expect(hl7Instant('20260301120000.25+0100')).toBe('2026-03-01T11:00:00.250Z');
    expect(hl7Instant('20260301', '-0500')).toBe('2026-03-01T05:00:00.000Z');
    expect(hl7Instant('20260301256000')).toBeUndefined();
  });

  it('turns money into integer cents without floating point', () => {
    expect(toCents('125.00')).toBe(12500);
    expect(toCents('0.1')).toBe(10);
    expect(toCents('19.99')).toBe(1999);
    expect(toCents('-5')).toBe(-500);
    expect(toCents('1.234')).toBeUndefined();
    expect(toCents('abc')).toBeUndefined();
    expect(toCents(' 12.5\t')).toBe(1250);
    expect(toCents('12.')).toBe(1200);
    // HL7 NM: a sign and a leading point are legal ('-.5' is minus fifty cents), trailing zeros too.
    expect(toCents('-.5')).toBe(-50);
    expect(toCents('+125.000')).toBe(12500);
    expect(toCents('-')).toBeUndefined();
    expect(toCents('.')).toBeUndefined();
    expect(toCents('125.005')).toBeUndefined();
    expect(toCents('1.-5')).toBeUndefined();
    expect(toCents('')).toBeUndefined();
  });
});

describe('profiles', () => {
  it('ships valid generic and dental profiles', () => {
    for (const p of Object.values(PROFILES)) expect(validateProfile(p)).toEqual([]);
    expect(validateProfile({ ...generic25, mdm: 'OBX-x', defaultPos: '1' })).toHaveLength(2);
  });
});
