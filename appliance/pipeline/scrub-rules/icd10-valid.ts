import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { diagnosisDates, ICD10_SHAPE } from './lib/claim.js';

/**
 * Each diagnosis exists in the ICD-10-CM set in force on the date of service it is billed on
 * (a new set takes effect every October 1; a deleted code is invalid from that date).
 */
export default defineRule({
  id: 'icd10-valid',
  severity: 'error',
  description: 'Each diagnosis is an ICD-10-CM code valid on its date of service.',
  *problems(claim, ctx): Iterable<Problem> {
    const dates = diagnosisDates(claim);
    for (const [i, code] of claim.diagnoses.entries()) {
      const field = `diagnoses[${i}]`;
      if (!ICD10_SHAPE.test(code)) {
        yield {
          message: `Diagnosis ${code || '(blank)'} is not written as an ICD-10-CM code.`,
          fix: 'Enter the ICD-10-CM code in capitals without the dot, e.g. J069.',
          field,
        };
        continue;
      }
      if (!ctx.codeSets.hasIcd10()) continue;
      for (const dos of dates[i] ?? []) {
        if (ctx.codeSets.icd10(code, dos)) continue;
        const existsElsewhere = ctx.codeSets.icd10Exists?.(code) === true;
        yield existsElsewhere
          ? {
              message: `Diagnosis ${code} is not in the ICD-10-CM edition in force on ${dos} (added later or deleted).`,
              fix: 'Use the code that the edition for the date of service lists for this condition.',
              field,
            }
          : {
              message: `Diagnosis ${code} is not an ICD-10-CM code.`,
              fix: 'Check the code for a typo against the ICD-10-CM code set.',
              field,
            };
        break;
      }
    }
  },
});
