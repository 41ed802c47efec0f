import type { Problem } from './types.js';
import { defineRule } from './types.js';

/** 837P and 837D allow at most 50 service lines (2400 loop repeat 50) per claim. */
export default defineRule({
  id: 'line-limit',
  severity: 'error',
  description: 'A claim has at most 50 service lines.',
  *problems(claim): Iterable<Problem> {
    if (claim.lines.length > 50)
      yield {
        message: `The claim has ${claim.lines.length} service lines; at most 50 fit on one claim.`,
        fix: 'Rebuild the claim: claims are split at 50 lines.',
        field: 'lines',
      };
  },
});
