import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { ageOn } from './lib/dates.js';
import { diagnosisDates } from './lib/claim.js';
import { diagnosisAge } from './lib/demographic-codes.js';

/**
 * An age-specific diagnosis (newborn, maternity; the CMS Medicare Code Editor age windows) on a
 * patient outside that age on the date of service. A warning: ICD-10-CM guideline I.C.16.a.4 lets
 * a perinatal condition be coded later in life while it persists.
 */
export default defineRule({
  id: 'age-specific',
  severity: 'warning',
  description: "Warns when an age-specific diagnosis does not fit the patient's age on the date of service.",
  kinds: ['medical'],
  *problems(claim): Iterable<Problem> {
    const dates = diagnosisDates(claim);
    for (const [i, code] of claim.diagnoses.entries()) {
      const window = diagnosisAge(code);
      const dos = dates[i]?.[0];
      if (!window || !dos) continue;
      const age = ageOn(claim.patient.dob, dos);
      if (age === undefined || (age >= window.min && age <= window.max)) continue;
      yield {
        message: `Diagnosis ${code} is a ${window.label} code (ages ${window.min}-${window.max}), but the patient was ${age} on ${dos}.`,
        fix: 'Check the date of birth and the diagnosis.',
        field: `diagnoses[${i}]`,
      };
    }
  },
});
