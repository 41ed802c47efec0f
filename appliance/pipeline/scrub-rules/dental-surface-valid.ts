import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';
import { SURFACES } from './lib/dental.js';

/** 837D TOO03 surfaces: each of M O D B L F I at most once, and only with a tooth. */
export default defineRule({
  id: 'dental-surface-valid',
  severity: 'error',
  description: 'Surfaces are letters from M O D B L F I, each once, on a line with a tooth.',
  kinds: ['dental'],
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      if (!l.surfaces) continue;
      const letters = [...l.surfaces.toUpperCase()];
      const bad = letters.filter((s) => !SURFACES.has(s));
      if (bad.length > 0 || new Set(letters).size !== letters.length)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has surfaces "${l.surfaces}"; ${bad.length ? `${bad.join('')} is not a surface` : 'a surface is repeated'}.`,
          fix: 'Use each of M, O, D, B, L, F, I at most once.',
          field: lineField(i, 'surfaces'),
          line: l.lineNumber,
        };
      if (!l.tooth)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has surfaces but no tooth.`,
          fix: 'Enter the tooth the surfaces belong to.',
          field: lineField(i, 'tooth'),
          line: l.lineNumber,
        };
    }
  },
});
