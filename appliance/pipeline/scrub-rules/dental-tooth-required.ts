import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';
import { needsArea, needsSurfaces, needsTooth } from './lib/dental.js';

/**
 * 837D 2400 TOO: restorations carry the tooth and the surfaces, tooth-level procedures the tooth;
 * 2400 SV304: quadrant procedures carry the area. Code ranges in lib/dental.ts.
 */
export default defineRule({
  id: 'dental-tooth-required',
  severity: 'error',
  description: 'Dental lines carry the tooth, surfaces or quadrant their procedure code needs.',
  kinds: ['dental'],
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      if (needsTooth(l.code) && !l.tooth?.trim())
        yield {
          message: `Line ${l.lineNumber} (${l.code}) needs a tooth number.`,
          fix: 'Enter the tooth (1-32 permanent, A-T primary).',
          field: lineField(i, 'tooth'),
          line: l.lineNumber,
        };
      if (needsSurfaces(l.code) && !l.surfaces?.trim())
        yield {
          message: `Line ${l.lineNumber} (${l.code}) is a restoration and needs its surfaces.`,
          fix: 'Enter the surfaces restored (M, O, D, B, L, F, I).',
          field: lineField(i, 'surfaces'),
          line: l.lineNumber,
        };
      if (needsArea(l.code) && !l.area?.trim())
        yield {
          message: `Line ${l.lineNumber} (${l.code}) is billed per quadrant and needs the quadrant.`,
          fix: 'Enter the quadrant: UR, UL, LR or LL.',
          field: lineField(i, 'area'),
          line: l.lineNumber,
        };
    }
  },
});
