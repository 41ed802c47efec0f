// Synthetic encounters for tests: obviously fake people, valid-looking identifiers.
import type { EncounterInput } from '../../appliance/domain/types.js';

export function syntheticEncounter(i: number, overrides: Partial<EncounterInput> = {}): EncounterInput {
  return {
    kind: 'medical',
    source: { system: 'TESTEHR', visitNumber: `V${String(i).padStart(6, '0')}` },
    patient: {
      mrn: `TST${String(100000 + i)}`,
      lastName: 'Testpatient',
      firstName: `Alex${i}`,
      dob: '1980-04-01',
      sex: i % 2 ? 'F' : 'M',
      address: { line1: '1 Fake St', city: 'Springfield', state: 'IL', zip: '62701' },
    },
    coverages: [
      {
        order: 1,
        payerId: 'SAMPLE-PPO',
        payerName: 'Sample Commercial PPO',
        memberId: `MEM${i}`,
        relationship: 'self',
      },
    ],
    rendering: { npi: '1245319599', lastName: 'Doctorly', firstName: 'Pat' },
    dateOfService: '2026-11-20',
    placeOfService: '11',
    visitType: 'established',
    mdm: 'moderate',
    totalMinutes: 30,
    diagnoses: [{ seq: 1, system: 'ICD10', code: 'I10' }],
    procedures: [{ system: 'CPT', code: '99214', units: 1, chargeCents: 15000, diagnosisSeqs: [1] }],
    finalizedAt: '2026-11-20T15:00:00.000Z',
    ...overrides,
  };
}
