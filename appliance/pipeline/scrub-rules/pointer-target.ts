import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/** A pointer is the 1-based position of a diagnosis in 2300 HI; one past the list is rejected. */
export default defineRule({
  id: 'pointer-target',
  severity: 'error',
  description: 'Every diagnosis pointer points at a diagnosis on the claim.',
  *problems(claim): Iterable<Problem> {
    const n = claim.diagnoses.length;
    for (const [i, l] of claim.lines.entries())
      for (const p of l.diagnosisPointers)
        if (!Number.isInteger(p) || p < 1 || p > n)
          yield {
            message: `Line ${l.lineNumber} (${l.code}) points at diagnosis ${p}, but the claim has ${n}.`,
            fix: 'Link the line to one of the claim’s diagnoses.',
            field: lineField(i, 'diagnosisPointers'),
            line: l.lineNumber,
          };
  },
});
