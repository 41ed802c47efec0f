import type { Problem } from './types.js';
import { defineRule } from './types.js';

/**
 * 2300 CLM05-3 frequency and REF*F8: a replacement (7) or void (8) must name the payer's claim
 * number of the claim it changes; an original (1) must not.
 */
export default defineRule({
  id: 'frequency-original',
  severity: 'error',
  description:
    "Replacement (7) and void (8) claims carry the payer's original claim number; originals do not.",
  *problems(claim): Iterable<Problem> {
    const orig = claim.originalClaimNumber?.trim() ?? '';
    if ((claim.frequency === '7' || claim.frequency === '8') && orig === '')
      yield {
        message: `A ${claim.frequency === '7' ? 'replacement' : 'void'} claim needs the payer’s claim number of the original claim.`,
        fix: 'Enter the payer claim number from the remittance (835) or claim status report of the original claim.',
        field: 'originalClaimNumber',
      };
    else if (claim.frequency === '1' && orig !== '')
      yield {
        message: 'An original claim carries a payer claim number, which payers read as a correction.',
        fix: 'Remove the original claim number, or send this as a replacement (7).',
        field: 'originalClaimNumber',
      };
  },
});
