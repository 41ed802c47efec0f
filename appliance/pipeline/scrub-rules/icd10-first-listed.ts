import type { Problem } from './types.js';
import { defineRule } from './types.js';

/**
 * External cause codes (V00-Y99, ICD-10-CM chapter 20) say how an injury happened, never what was
 * treated: guideline I.C.20 forbids them as the first-listed diagnosis (2300 HI01, ABK).
 */
export default defineRule({
  id: 'icd10-first-listed',
  severity: 'error',
  description: 'The first-listed diagnosis is not an external cause code (V00-Y99).',
  kinds: ['medical'],
  *problems(claim): Iterable<Problem> {
    const first = claim.diagnoses[0];
    if (!first || !/^[VWXY]\d/.test(first)) return;
    yield {
      message: `The first diagnosis ${first} is an external cause code, which only explains how an injury happened.`,
      fix: 'List the injury or condition treated first and move the external cause code after it.',
      field: 'diagnoses[0]',
    };
  },
});
