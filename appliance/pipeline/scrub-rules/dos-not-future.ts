import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { isDate } from './lib/dates.js';

/** A claim may only bill services already performed: no date of service after today. */
export default defineRule({
  id: 'dos-not-future',
  severity: 'error',
  description: 'No date of service is after today, or before the patient was born.',
  *problems(claim, ctx): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      if (!isDate(l.dateOfService)) continue;
      if (l.dateOfService > ctx.today)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) has a date of service in the future (${l.dateOfService}).`,
          fix: 'Bill the service after it is performed, or correct the date in the EHR.',
          field: `lines[${i}].dateOfService`,
          line: l.lineNumber,
        };
      else if (isDate(claim.patient.dob) && l.dateOfService < claim.patient.dob)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) is dated before the patient’s date of birth.`,
          fix: 'Correct the date of service or the date of birth.',
          field: `lines[${i}].dateOfService`,
          line: l.lineNumber,
        };
    }
  },
});
