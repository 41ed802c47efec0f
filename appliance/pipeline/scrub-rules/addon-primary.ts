import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/**
 * NCCI add-on code edits: an add-on code is paid only with one of its primary codes by the same
 * practitioner on the same day. Type 2 add-ons (no primary list) are not checked here.
 */
export default defineRule({
  id: 'addon-primary',
  severity: 'error',
  description: 'Every add-on code is billed with one of its primary codes on the same day.',
  kinds: ['medical'],
  *problems(claim, ctx): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      const primaries = ctx.codeSets.addonPrimaries(l.code);
      if (!primaries || primaries.length === 0) continue;
      const wanted = new Set(primaries);
      const ok = claim.lines.some(
        (o) => o !== l && o.dateOfService === l.dateOfService && wanted.has(o.code),
      );
      if (ok) continue;
      yield {
        message: `${l.code} is an add-on code, but none of its primary codes is billed the same day.`,
        fix: `Add the primary procedure (e.g. ${primaries.slice(0, 3).join(', ')}) or remove ${l.code}.`,
        field: lineField(i, 'code'),
        line: l.lineNumber,
      };
    }
  },
});
