import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';
import { surfaceCountFor } from './lib/dental.js';

/**
 * CDT restoration codes name their surface count ("two surfaces", "four or more"); a mismatch is
 * either a wrong code or a wrong chart entry. D2335 also covers an anterior restoration involving
 * the incisal angle, whatever the count.
 */
export default defineRule({
  id: 'dental-surface-count',
  severity: 'warning',
  description: 'Warns when the number of surfaces does not match what the restoration code describes.',
  kinds: ['dental'],
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      const range = surfaceCountFor(l.code);
      if (!range || !l.surfaces) continue;
      const n = new Set(l.surfaces.toUpperCase()).size;
      if (l.code === 'D2335' && l.surfaces.toUpperCase().includes('I')) continue;
      const [min, max] = range;
      if (n >= min && n <= max) continue;
      const want = min === max ? `${min}` : max >= 5 ? `${min} or more` : `${min}-${max}`;
      yield {
        message: `Line ${l.lineNumber}: ${l.code} is a ${want}-surface code, but ${n} surfaces (${l.surfaces}) are charted.`,
        fix: 'Pick the code for the number of surfaces restored, or correct the surfaces.',
        field: lineField(i, 'surfaces'),
        line: l.lineNumber,
      };
    }
  },
});
