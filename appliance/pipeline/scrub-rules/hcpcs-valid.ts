import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/** HCPCS Level II letters other than D (CDT, owned by the ADA and not in the CMS file). */
const LEVEL_II = /^[A-CE-V]\d{4}$/;

/**
 * A HCPCS Level II code must be in the CMS file and active on the date of service (added on or
 * before it, not terminated). Checked only once a HCPCS file is imported; CPT is licensed by the
 * AMA and not in the public files, so CPT codes are checked for shape only.
 */
export default defineRule({
  id: 'hcpcs-valid',
  severity: 'error',
  description: 'Each HCPCS Level II code is active on its date of service (when a HCPCS file is loaded).',
  kinds: ['medical'],
  *problems(claim, ctx): Iterable<Problem> {
    const cs = ctx.codeSets;
    if (!cs.hasHcpcs?.() || !cs.hcpcs) return;
    for (const [i, l] of claim.lines.entries()) {
      if (!LEVEL_II.test(l.code) || cs.hcpcs(l.code, l.dateOfService)) continue;
      yield {
        message: `${l.code} is not a HCPCS code active on ${l.dateOfService}.`,
        fix: 'Check the code for a typo, or use the code that replaced it.',
        field: lineField(i, 'code'),
        line: l.lineNumber,
      };
    }
  },
});
