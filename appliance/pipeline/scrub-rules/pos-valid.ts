import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { POS_CODES } from './lib/pos.js';

/** 2300 CLM05-1: a code from the CMS Place of Service code set. */
export default defineRule({
  id: 'pos-valid',
  severity: 'error',
  description: 'The place of service is a code from the CMS Place of Service code set.',
  *problems(claim): Iterable<Problem> {
    const pos = claim.placeOfService;
    if (pos.trim() === '' || POS_CODES.has(pos)) return;
    yield {
      message: `Place of service ${pos} is not a CMS place-of-service code.`,
      fix: 'Use the 2-digit CMS code, e.g. 11 office, 02 telehealth, 10 telehealth in the patient’s home.',
      field: 'placeOfService',
    };
  },
});
