import { describe, expect, it } from 'vitest';
import { validateEncounterJson } from './json-encounter.js';
import { toEnvelope } from './map.js';
import { dentalGeneric, generic25 } from './profiles.js';
import { sampleDft } from './sample.js';

const mapped = (i: number, dental = false) =>
  JSON.parse(
    JSON.stringify(
      toEnvelope(Buffer.from(sampleDft({ index: i, dental })), 'api', dental ? dentalGeneric : generic25)
        .envelope!.encounter,
    ),
  ) as Record<string, unknown>;

describe('validateEncounterJson', () => {
  it('accepts what the HL7 mapper produces, medical and dental', () => {
    for (const [i, dental] of [
      [1, false],
      [4, false],
      [3, true],
    ] as const) {
      const r = validateEncounterJson(mapped(i, dental));
      expect(r.errors).toEqual([]);
      expect(r.value?.source.visitNumber).toBeTruthy();
    }
  });

  it('reports every bad field with its path', () => {
    const body = mapped(1);
    (body.patient as Record<string, unknown>).dob = '1990-02-30';
    body.placeOfService = '1';
    const procs = body.procedures as Record<string, unknown>[];
    procs[0]!.chargeCents = 12.5;
    procs[1]!.diagnosisSeqs = [9];
    delete body.rendering;
    const { value, errors } = validateEncounterJson(body);
    expect(value).toBeUndefined();
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['patient.dob', 'placeOfService', 'procedures.0.chargeCents', 'rendering']),
    );
    expect(errors.find((e) => e.path === 'placeOfService')?.message).toMatch(/place-of-service/);
  });

  it('reports cross-field problems (pointer to a missing diagnosis), when the fields are valid', () => {
    const body = mapped(1);
    (body.procedures as Record<string, unknown>[])[1]!.diagnosisSeqs = [9];
    expect(validateEncounterJson(body).errors).toEqual([
      { path: 'procedures.1.diagnosisSeqs.0', message: 'no diagnosis with seq 9' },
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(validateEncounterJson('nope').errors[0]?.path).toBe('');
    expect(validateEncounterJson(null).errors).toHaveLength(1);
  });
});
