import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';
import { diagnosisSex, procedureSex, type SexOnly } from './lib/demographic-codes.js';

const SEX_NAME: Record<SexOnly, string> = { F: 'female', M: 'male' };

/**
 * A code for one sex on a patient recorded as the other (tables and sources in
 * lib/demographic-codes.ts). A warning, not a hold: it is right for some transgender and intersex
 * patients, and then modifier KX on the line tells the payer so (CMS practice); a line with KX, or a
 * diagnosis only used by lines with KX, is not flagged. Unknown sex (U) is never flagged.
 */
export default defineRule({
  id: 'sex-specific',
  severity: 'warning',
  description: "Warns when a sex-specific diagnosis or procedure does not match the patient's recorded sex.",
  kinds: ['medical'],
  *problems(claim): Iterable<Problem> {
    const sex = claim.patient.sex;
    if (sex !== 'M' && sex !== 'F') return;
    const other = SEX_NAME[sex === 'M' ? 'F' : 'M'];
    for (const [i, code] of claim.diagnoses.entries()) {
      const only = diagnosisSex(code);
      const users = claim.lines.filter((l) => l.diagnosisPointers.includes(i + 1));
      const confirmed = users.length > 0 && users.every((l) => l.modifiers.includes('KX'));
      if (only && only !== sex && !confirmed)
        yield {
          message: `Diagnosis ${code} is a ${other}-only code, but the patient is recorded as ${SEX_NAME[sex]}.`,
          fix: 'Check the patient’s sex in the EHR and the diagnosis; if both are right, add modifier KX to the lines it supports.',
          field: `diagnoses[${i}]`,
        };
    }
    for (const [i, l] of claim.lines.entries()) {
      const only = procedureSex(l.code);
      if (!only || only === sex || l.modifiers.includes('KX')) continue;
      yield {
        message: `Procedure ${l.code} is a ${other}-only procedure, but the patient is recorded as ${SEX_NAME[sex]}.`,
        fix: 'Check the patient’s sex in the EHR and the code; if both are right, add modifier KX.',
        field: lineField(i, 'code'),
        line: l.lineNumber,
      };
    }
  },
});
