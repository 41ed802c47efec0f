// PLACEHOLDER until the scrub branch lands (it owns this file): the simplest claim builder.
import type {
  BillingProvider,
  Claim,
  ClaimFrequency,
  CodedEncounter,
  EncounterInput,
} from '../domain/types.js';

export function buildClaims(
  encounter: EncounterInput,
  coded: CodedEncounter,
  billing: BillingProvider,
  opts: { frequency?: ClaimFrequency; originalClaimNumber?: string; maxLines?: number } = {},
): Claim[] {
  const coverage = encounter.coverages.find((c) => c.order === 1) ?? encounter.coverages[0];
  if (!coverage) return [];
  const lines = coded.lines.map((l, i) => ({
    lineNumber: i + 1,
    code: l.code,
    modifiers: l.modifiers,
    units: l.units,
    chargeCents: l.chargeCents,
    diagnosisPointers: l.diagnosisPointers,
    dateOfService: l.dateOfService,
  }));
  return [
    {
      kind: encounter.kind,
      patientControlNumber: '',
      frequency: opts.frequency ?? '1',
      originalClaimNumber: opts.originalClaimNumber,
      billing,
      rendering: encounter.rendering,
      patient: encounter.patient,
      coverage,
      placeOfService: encounter.placeOfService,
      priorAuthorization: encounter.authorizationNumber,
      diagnoses: coded.diagnoses.map((d) => d.code),
      lines,
      totalChargeCents: lines.reduce((s, l) => s + l.chargeCents, 0),
    },
  ];
}
