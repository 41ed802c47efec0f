import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { earliestDate } from './lib/dates.js';
import { POS_CODES, POS_EFFECTIVE } from './lib/pos.js';

/** 2300 CLM05-1: a code from the CMS Place of Service code set. */
export default defineRule({
  id: 'pos-valid',
  severity: 'error',
  description: 'The place of service is a CMS Place of Service code in effect on the date of service.',
  *problems(claim): Iterable<Problem> {
    const pos = claim.placeOfService;
    if (pos.trim() === '') return;
    if (POS_CODES.has(pos)) {
      const from = POS_EFFECTIVE.get(pos);
      const dos = earliestDate(claim.lines.map((l) => l.dateOfService));
      if (from && dos && dos < from)
        yield {
          message: `Place of service ${pos} (${POS_CODES.get(pos) ?? pos}) did not exist yet on ${dos}; it starts ${from}.`,
          fix: 'Use the place-of-service code that applied on the date of service.',
          field: 'placeOfService',
        };
      return;
    }
    yield {
      message: `Place of service ${pos} is not a CMS place-of-service code.`,
      fix: 'Use the 2-digit CMS code, e.g. 11 office, 02 telehealth, 10 telehealth in the patient’s home.',
      field: 'placeOfService',
    };
  },
});
