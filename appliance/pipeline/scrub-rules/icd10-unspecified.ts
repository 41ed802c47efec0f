import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { diagnosisDates } from './lib/claim.js';

/**
 * An "unspecified" code where the same category has more specific billable codes: payers
 * increasingly deny these, and the note usually supports something better (a warning, not a hold).
 */
export default defineRule({
  id: 'icd10-unspecified',
  severity: 'warning',
  description: 'Warns when an unspecified diagnosis has more specific codes in its category.',
  *problems(claim, ctx): Iterable<Problem> {
    if (!ctx.codeSets.hasIcd10()) return;
    const dates = diagnosisDates(claim);
    for (const [i, code] of claim.diagnoses.entries()) {
      const dos = dates[i]?.[0];
      if (!dos || code.length <= 3) continue;
      const entry = ctx.codeSets.icd10(code, dos);
      if (!entry?.billable || !/\bunspecified\b/i.test(entry.description)) continue;
      const siblings = ctx.codeSets
        .icd10Children(code.slice(0, -1), dos)
        .filter((c) => c !== code)
        .slice(0, 5);
      if (siblings.length === 0) continue;
      yield {
        message: `Diagnosis ${code} is unspecified; more specific codes exist (${siblings.join(', ')}).`,
        fix: 'If the note documents more detail, use the more specific code.',
        field: `diagnoses[${i}]`,
      };
    }
  },
});
