import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/**
 * The same service (patient, DOS, procedure, POS, rendering provider) already billed or waiting
 * on another claim is held until a person approves it (payers deny exact duplicates, CARC 18).
 * The same line twice on this claim is a duplicate too. Replacements and voids (frequency 7/8)
 * restate an earlier claim on purpose, so only the within-claim check applies to them.
 */
export default defineRule({
  id: 'duplicate-service',
  severity: 'error',
  description: 'No service is already billed, or listed twice on this claim.',
  *problems(claim, ctx): Iterable<Problem> {
    const seen = new Set<string>();
    for (const [i, l] of claim.lines.entries()) {
      const key = [
        l.dateOfService,
        l.code,
        l.modifiers.join(':'),
        l.tooth ?? '',
        l.surfaces ?? '',
        l.area ?? '',
      ].join('|');
      if (seen.has(key))
        yield {
          message: `Line ${l.lineNumber} repeats ${l.code} on ${l.dateOfService} with the same modifiers.`,
          fix: 'Bill it once with the total units, or add the modifier that shows it was a repeat service (76, 77, 91).',
          field: lineField(i),
          line: l.lineNumber,
        };
      seen.add(key);
      if (claim.frequency !== '1' || !ctx.isDuplicate) continue;
      const dupKey = {
        patientMrn: claim.patient.mrn,
        dateOfService: l.dateOfService,
        procedureCode: l.code,
        placeOfService: claim.placeOfService,
        renderingNpi: claim.rendering.npi,
        ...(l.tooth ? { tooth: l.tooth } : {}),
      };
      if (ctx.isDuplicate(dupKey))
        yield {
          message: `${l.code} on ${l.dateOfService} for this patient and provider is already billed or waiting on another claim.`,
          fix: 'If it really happened twice, approve it (and add 76/77/91 as fits); otherwise remove it. To change the earlier claim, send a replacement.',
          field: lineField(i),
          line: l.lineNumber,
        };
    }
  },
});
