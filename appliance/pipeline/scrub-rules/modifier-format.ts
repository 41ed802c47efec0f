import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/** SV101-3..6 / SV301-3..6: up to 4 modifiers, each 2 letters or digits. */
export default defineRule({
  id: 'modifier-format',
  severity: 'error',
  description: 'Each line has at most 4 modifiers, each two letters or digits.',
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      if (l.modifiers.length > 4)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has ${l.modifiers.length} modifiers; a line holds 4.`,
          fix: 'Keep the 4 modifiers that affect payment, pricing modifiers first.',
          field: lineField(i, 'modifiers'),
          line: l.lineNumber,
        };
      const bad = l.modifiers.filter((m) => !/^[A-Z0-9]{2}$/.test(m));
      if (bad.length > 0)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has modifier ${bad.map((m) => `"${m}"`).join(', ')}, which is not a 2-character modifier.`,
          fix: 'Use 2-character modifiers in capitals, e.g. 25, 59, LT.',
          field: lineField(i, 'modifiers'),
          line: l.lineNumber,
        };
    }
  },
});
