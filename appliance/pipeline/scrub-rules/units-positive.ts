import { defineRule, type Problem } from './types.js';

/** 2400 SV104/SV306 units: a payer denies a line billed with zero or negative units. */
export default defineRule({
  id: 'units-positive',
  severity: 'error',
  description: 'Every line has more than zero units.',
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries())
      if (!Number.isFinite(l.units) || l.units <= 0)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has ${l.units} units.`,
          fix: 'Enter how many units were performed (at least 1).',
          field: `lines[${i}].units`,
          line: l.lineNumber,
        };
  },
});
