import type { Problem } from './types.js';
import { defineRule } from './types.js';

/**
 * Without an imported ICD-10-CM file the diagnosis checks cannot run; say so instead of passing
 * codes nobody checked.
 */
export default defineRule({
  id: 'icd10-loaded',
  severity: 'warning',
  description: 'Warns that diagnosis codes were not checked because no ICD-10-CM code set is loaded.',
  *problems(claim, ctx): Iterable<Problem> {
    if (claim.diagnoses.length === 0 || ctx.codeSets.hasIcd10()) return;
    yield {
      message: 'Diagnosis codes were not checked: no ICD-10-CM code set is loaded.',
      fix: 'Import the CMS ICD-10-CM order file: claimbox codes import icd10cm FILE.',
      field: 'diagnoses',
    };
  },
});
