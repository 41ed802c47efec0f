import type { Problem } from './types.js';
import { defineRule } from './types.js';

/** 2300 HI holds at most 12 diagnoses (ABK + 11 ABF) on the 837P; the 837D allows 4. */
export default defineRule({
  id: 'diagnosis-limit',
  severity: 'error',
  description: 'At most 12 diagnoses on a professional claim, 4 on a dental claim, none repeated.',
  *problems(claim): Iterable<Problem> {
    const max = claim.kind === 'dental' ? 4 : 12;
    if (claim.diagnoses.length > max)
      yield {
        message: `The claim has ${claim.diagnoses.length} diagnoses; at most ${max} fit on one claim.`,
        fix: 'Rebuild the claim: it is split so each part carries only the diagnoses its lines use.',
        field: 'diagnoses',
      };
    const seen = new Set<string>();
    for (const [i, code] of claim.diagnoses.entries()) {
      if (seen.has(code))
        yield {
          message: `Diagnosis ${code} is listed twice.`,
          fix: 'Remove the repeat and point the lines at the first one.',
          field: `diagnoses[${i}]`,
        };
      seen.add(code);
    }
  },
});
