import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { einProblem } from './lib/ids.js';

/** 2010AA REF*EI: the EIN is 9 digits, no hyphen, with a prefix the IRS assigns. */
export default defineRule({
  id: 'ein-format',
  severity: 'error',
  description: 'The practice tax id is a 9-digit EIN with a valid IRS prefix.',
  *problems(claim): Iterable<Problem> {
    const taxId = claim.billing.taxId;
    if (taxId.trim() === '') return;
    const problem = einProblem(taxId);
    if (problem === 'hyphen')
      yield {
        message: 'The practice EIN is written with a hyphen.',
        fix: 'Enter the EIN as 9 digits without the hyphen.',
        field: 'billing.taxId',
      };
    else if (problem === 'format')
      yield {
        message: 'The practice tax id is not a 9-digit EIN.',
        fix: 'Enter the EIN from the practice’s IRS letter (CP 575), 9 digits.',
        field: 'billing.taxId',
      };
    else if (problem === 'prefix')
      yield {
        message: `The practice EIN starts with ${taxId.slice(0, 2)}, a prefix the IRS never assigns.`,
        fix: 'Check the EIN against the IRS letter; the first two digits are likely mistyped.',
        field: 'billing.taxId',
      };
  },
});
