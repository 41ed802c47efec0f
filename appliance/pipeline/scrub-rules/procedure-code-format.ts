import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/** CPT: 4 digits then a digit, F (Category II), T (Category III) or U (PLA); HCPCS Level II: letter + 4 digits. */
const PROFESSIONAL = /^(\d{4}[0-9FTU]|[A-Z]\d{4})$/;
/** CDT: D + 4 digits (837D SV301-1 qualifier AD). */
const DENTAL = /^D\d{4}$/;

/** 837P SV101-2 (HC) carries CPT/HCPCS; 837D SV301-2 (AD) carries CDT only. */
export default defineRule({
  id: 'procedure-code-format',
  severity: 'error',
  description: 'Each procedure code is shaped like a CPT/HCPCS code (professional) or a CDT code (dental).',
  *problems(claim): Iterable<Problem> {
    const dental = claim.kind === 'dental';
    for (const [i, l] of claim.lines.entries()) {
      if (!l.code.trim() || (dental ? DENTAL : PROFESSIONAL).test(l.code)) continue;
      yield {
        message: dental
          ? `Line ${l.lineNumber} code ${l.code} is not a CDT code; dental claims carry D-codes only.`
          : `Line ${l.lineNumber} code ${l.code} is not a CPT or HCPCS code.`,
        fix: dental
          ? 'Use the CDT code (D and 4 digits), or bill medical codes on a professional claim.'
          : 'Use the 5-character CPT or HCPCS code, without spaces or description.',
        field: lineField(i, 'code'),
        line: l.lineNumber,
      };
    }
  },
});
