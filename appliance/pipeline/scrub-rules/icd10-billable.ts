import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { diagnosisDates } from './lib/claim.js';

/** A category header (order-file flag 0) is not billable: the claim needs the full code. */
export default defineRule({
  id: 'icd10-billable',
  severity: 'error',
  description: 'Each diagnosis is a billable ICD-10-CM code, not a category header.',
  *problems(claim, ctx): Iterable<Problem> {
    if (!ctx.codeSets.hasIcd10()) return;
    const dates = diagnosisDates(claim);
    for (const [i, code] of claim.diagnoses.entries()) {
      const dos = dates[i]?.[0];
      if (!dos) continue;
      const entry = ctx.codeSets.icd10(code, dos);
      if (!entry || entry.billable) continue;
      const children = ctx.codeSets.icd10Children(code, dos).slice(0, 5);
      yield {
        message: `Diagnosis ${code} is a category, not a billable code.`,
        fix: children.length
          ? `Pick a more specific code, e.g. ${children.join(', ')}.`
          : 'Pick the more specific code under this category (more characters).',
        field: `diagnoses[${i}]`,
      };
    }
  },
});
