import { defineRule, type Problem } from './types.js';

/** 2010BB NM1 payer: name (NM103) and clearinghouse payer id (NM109). */
export default defineRule({
  id: 'required-payer',
  severity: 'error',
  description: 'The payer id and payer name are present.',
  *problems(claim): Iterable<Problem> {
    if (!claim.coverage.payerId.trim())
      yield {
        message: 'Payer id is missing, so the clearinghouse cannot route the claim.',
        fix: 'Pick the insurance from the payer list so its clearinghouse payer id is filled in.',
        field: 'coverage.payerId',
      };
    else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,79}$/.test(claim.coverage.payerId))
      yield {
        message: 'Payer id has characters a clearinghouse payer id never has.',
        fix: 'Use the payer id exactly as the clearinghouse payer list shows it.',
        field: 'coverage.payerId',
      };
    if (!claim.coverage.payerName.trim())
      yield {
        message: 'Payer name is missing.',
        fix: 'Pick the insurance from the payer list.',
        field: 'coverage.payerName',
      };
  },
});
