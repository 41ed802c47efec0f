import { defineRule, type Problem } from './types.js';
import { isDate } from './lib/dates.js';

/** 2300 CLM05-1 place of service and 2400 lines each with a procedure code and DTP*472 date. */
export default defineRule({
  id: 'required-service',
  severity: 'error',
  description:
    'The claim has a place of service and at least one line, each with a code and a date of service.',
  *problems(claim): Iterable<Problem> {
    if (!claim.placeOfService.trim())
      yield {
        message: 'Place of service is missing.',
        fix: 'Set where the visit happened (e.g. 11 office, 02/10 telehealth).',
        field: 'placeOfService',
      };
    if (claim.lines.length === 0)
      yield {
        message: 'The claim has no service lines.',
        fix: 'Code at least one procedure for the visit.',
        field: 'lines',
      };
    for (const [i, l] of claim.lines.entries()) {
      if (!l.code.trim())
        yield {
          message: `Line ${l.lineNumber} has no procedure code.`,
          fix: 'Enter the CPT, HCPCS or CDT code for the line.',
          field: `lines[${i}].code`,
          line: l.lineNumber,
        };
      if (!isDate(l.dateOfService))
        yield {
          message: `Line ${l.lineNumber} has no valid date of service.`,
          fix: 'Enter the date of service as YYYY-MM-DD.',
          field: `lines[${i}].dateOfService`,
          line: l.lineNumber,
        };
    }
  },
});
