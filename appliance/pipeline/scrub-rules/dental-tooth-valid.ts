import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';
import { AREAS, isValidTooth } from './lib/dental.js';

/** Universal/National tooth numbering (837D TOO01 = JP, tooth in TOO02) and SV304 areas. */
export default defineRule({
  id: 'dental-tooth-valid',
  severity: 'error',
  description: 'Tooth numbers and quadrants are valid (1-32, A-T, supernumerary 51-82 and AS-TS).',
  kinds: ['dental'],
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      if (l.tooth && !isValidTooth(l.tooth))
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has tooth ${l.tooth}, which is not a tooth number.`,
          fix: 'Use 1-32 for permanent teeth, A-T for primary teeth, 51-82 or AS-TS for supernumerary.',
          field: lineField(i, 'tooth'),
          line: l.lineNumber,
        };
      if (l.area && !AREAS.has(l.area))
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has area ${l.area}, which is not a quadrant or arch.`,
          fix: 'Use UR, UL, LR, LL for a quadrant or U, L for an arch.',
          field: lineField(i, 'area'),
          line: l.lineNumber,
        };
    }
  },
});
