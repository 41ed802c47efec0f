import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField, linesByDate } from './lib/claim.js';

/**
 * NCCI MUE with adjudication indicator 2 (policy) or 3 (clinical): the MUE caps the units of a
 * code per date of service, summed over every line; splitting lines does not get around it.
 */
export default defineRule({
  id: 'mue-day',
  severity: 'error',
  description: 'The units of a code on one day, over all lines, stay within its MUE (MAI 2 and 3).',
  kinds: ['medical'],
  *problems(claim, ctx): Iterable<Problem> {
    for (const [dos, lines] of linesByDate(claim)) {
      const byCode = new Map<string, typeof lines>();
      for (const l of lines) byCode.set(l.line.code, [...(byCode.get(l.line.code) ?? []), l]);
      for (const [code, group] of byCode) {
        const mue = ctx.codeSets.mue(code, dos);
        if (!mue || mue.adjudicationIndicator === '1') continue;
        const units = group.reduce((s, l) => s + l.line.units, 0);
        if (units <= mue.value) continue;
        const first = group[0]!;
        yield {
          message: `${units} units of ${code} on ${dos}; at most ${mue.value} per day are payable (MUE, ${mue.adjudicationIndicator === '2' ? 'policy' : 'clinical'} limit).`,
          fix:
            mue.adjudicationIndicator === '2'
              ? 'Reduce the units to the limit; this limit cannot be appealed.'
              : 'Reduce the units, or keep them and be ready to send records on appeal.',
          field: lineField(first.index, 'units'),
          line: first.line.lineNumber,
        };
      }
    }
  },
});
