import { defineRule, type Problem } from './types.js';

/** 837P SV107-1: every professional service line points at least at one diagnosis. */
export default defineRule({
  id: 'required-pointers',
  severity: 'error',
  description: 'Every professional service line points at a diagnosis.',
  kinds: ['medical'],
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries())
      if (l.diagnosisPointers.length === 0)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) is not linked to any diagnosis.`,
          fix: 'Link the line to the diagnosis that justifies it.',
          field: `lines[${i}].diagnosisPointers`,
          line: l.lineNumber,
        };
  },
});
