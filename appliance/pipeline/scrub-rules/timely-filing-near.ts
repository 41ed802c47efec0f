import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { daysBetween, earliestDate } from './lib/dates.js';

/** A claim close to its filing limit needs to go today, not after the next review cycle. */
export default defineRule({
  id: 'timely-filing-near',
  severity: 'warning',
  description: "Warns when the payer's timely-filing limit runs out within 30 days.",
  *problems(claim, ctx): Iterable<Problem> {
    if (!ctx.payer || claim.frequency === '8') return;
    const dos = earliestDate(claim.lines.map((l) => l.dateOfService));
    if (!dos) return;
    const age = daysBetween(dos, ctx.today);
    if (age === undefined || age > ctx.payer.timelyFilingDays) return;
    const left = ctx.payer.timelyFilingDays - age;
    if (left > (ctx.timelyFilingWarnDays ?? 30)) return;
    yield {
      message: `Only ${left} days remain to file this claim with the payer (limit ${ctx.payer.timelyFilingDays} days from ${dos}).`,
      fix: 'Resolve any other findings and submit it now.',
      field: 'lines[0].dateOfService',
    };
  },
});
