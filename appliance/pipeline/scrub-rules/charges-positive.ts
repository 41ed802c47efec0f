import { defineRule, type Problem } from './types.js';

/** 2400 SV102/SV302 line charge > 0 and 2300 CLM02 = the sum of the line charges (5010 balancing). */
export default defineRule({
  id: 'charges-positive',
  severity: 'error',
  description: 'Every line has a charge above zero and the claim total equals the sum of the lines.',
  *problems(claim): Iterable<Problem> {
    let sum = 0;
    for (const [i, l] of claim.lines.entries()) {
      sum += l.chargeCents;
      if (!Number.isInteger(l.chargeCents) || l.chargeCents <= 0)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has no charge.`,
          fix: 'Add the fee for this code to the fee schedule, or enter the charge.',
          field: `lines[${i}].chargeCents`,
          line: l.lineNumber,
        };
    }
    if (claim.lines.length > 0 && sum !== claim.totalChargeCents)
      yield {
        message: 'The claim total does not equal the sum of its lines.',
        fix: 'Rebuild the claim so the total is recalculated.',
        field: 'totalChargeCents',
      };
  },
});
