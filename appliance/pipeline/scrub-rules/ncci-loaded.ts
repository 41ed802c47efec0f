import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { linesByDate } from './lib/claim.js';

/**
 * Without an imported NCCI PTP file, bundling cannot be judged; say so when it matters (two
 * different codes on one day) instead of passing pairs nobody checked.
 */
export default defineRule({
  id: 'ncci-loaded',
  severity: 'warning',
  description: 'Warns that NCCI bundling edits were not checked because no PTP file is loaded.',
  kinds: ['medical'],
  *problems(claim, ctx): Iterable<Problem> {
    if (ctx.codeSets.hasPtp?.() !== false) return;
    const pairs = [...linesByDate(claim).values()].some((ls) => new Set(ls.map((l) => l.line.code)).size > 1);
    if (!pairs) return;
    yield {
      message: 'NCCI bundling edits were not checked: no NCCI PTP file is loaded.',
      fix: 'Import the CMS practitioner PTP files: claimbox codes import ptp FILE.',
      field: 'lines',
    };
  },
});
