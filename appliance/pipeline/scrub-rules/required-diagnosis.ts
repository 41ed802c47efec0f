import { defineRule, type Problem } from './types.js';

/**
 * 837P 2300 HI principal diagnosis (ABK) is required. On the 837D the HI segment is situational
 * (005010X224A2: used when a diagnosis affects adjudication), so dental claims are not held here.
 */
export default defineRule({
  id: 'required-diagnosis',
  severity: 'error',
  description: 'A professional claim has at least one diagnosis.',
  kinds: ['medical'],
  *problems(claim): Iterable<Problem> {
    if (claim.diagnoses.length === 0)
      yield {
        message: 'The claim has no diagnosis code.',
        fix: 'Add the ICD-10-CM diagnosis that supports the visit.',
        field: 'diagnoses',
      };
  },
});
