import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/** NCCI MUE with adjudication indicator 1: the MUE caps the units on each claim line. */
export default defineRule({
  id: 'mue-line',
  severity: 'error',
  description: 'No line exceeds the medically unlikely edit (MUE) for its code (line edits, MAI 1).',
  kinds: ['medical'],
  *problems(claim, ctx): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      const mue = ctx.codeSets.mue(l.code, l.dateOfService);
      if (!mue || mue.adjudicationIndicator !== '1' || l.units <= mue.value) continue;
      yield {
        message: `Line ${l.lineNumber} bills ${l.units} units of ${l.code}; Medicare allows at most ${mue.value} on one line (MUE).`,
        fix: `Check the units. If more were truly performed (e.g. separate sites), bill them on separate lines with the right anatomic or 59/X modifier.`,
        field: lineField(i, 'units'),
        line: l.lineNumber,
      };
    }
  },
});
