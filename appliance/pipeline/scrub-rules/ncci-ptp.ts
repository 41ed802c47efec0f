import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField, linesByDate } from './lib/claim.js';
import { bypassesPtp } from './lib/modifiers.js';

/**
 * NCCI procedure-to-procedure edits (CMS practitioner PTP file): two codes of an edit pair on the
 * same date of service by the same provider deny the column-2 code. Modifier indicator 0: never
 * payable together; 1: payable when the column-2 code carries an NCCI-associated modifier;
 * 9: the edit does not apply. The code set answers by date, so effective and deletion dates hold.
 */
export default defineRule({
  id: 'ncci-ptp',
  severity: 'error',
  description: 'No NCCI procedure-to-procedure pair is billed on the same day without an allowed modifier.',
  kinds: ['medical'],
  *problems(claim, ctx): Iterable<Problem> {
    for (const [dos, lines] of linesByDate(claim)) {
      for (const a of lines)
        for (const b of lines) {
          if (a === b || a.line.code === b.line.code) continue;
          const edit = ctx.codeSets.ptp(a.line.code, b.line.code, dos);
          if (!edit || edit.modifierIndicator === '9') continue;
          const col2 = b.line;
          if (edit.modifierIndicator === '0')
            yield {
              message: `${col2.code} is bundled into ${a.line.code} on the same day and is never paid with it (NCCI, modifier indicator 0).`,
              fix: `Remove ${col2.code}; no modifier unbundles this pair.`,
              field: lineField(b.index, 'code'),
              line: col2.lineNumber,
            };
          else if (!bypassesPtp(a.line.modifiers, col2.modifiers))
            yield {
              message: `${col2.code} is bundled into ${a.line.code} on the same day (NCCI); it is paid only with a modifier showing a separate service.`,
              fix: `If the service was distinct (other site, session or encounter), add 59 or XE/XS/XP/XU (or the fitting anatomic modifier) to ${col2.code}; otherwise remove it.`,
              field: lineField(b.index, 'modifiers'),
              line: col2.lineNumber,
            };
        }
    }
  },
});
