import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { daysBetween, earliestDate } from './lib/dates.js';

/** Each payer's filing limit counts days from the date of service; a late claim is denied (CARC 29). */
export default defineRule({
  id: 'timely-filing',
  severity: 'error',
  description: "The claim goes out within the payer's timely-filing limit (days from the date of service).",
  *problems(claim, ctx): Iterable<Problem> {
    if (!ctx.payer || claim.frequency === '8') return;
    const dos = earliestDate(claim.lines.map((l) => l.dateOfService));
    if (!dos) return;
    const age = daysBetween(dos, ctx.today);
    if (age === undefined || age <= ctx.payer.timelyFilingDays) return;
    yield {
      message: `The service on ${dos} is ${age} days old; this payer accepts claims up to ${ctx.payer.timelyFilingDays} days after the date of service.`,
      fix: 'Send it only with proof of timely filing (an earlier submission or rejection report) or a payer exception; otherwise write it off.',
      field: 'lines[0].dateOfService',
    };
  },
});
