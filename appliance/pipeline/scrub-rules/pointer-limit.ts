import type { Problem } from './types.js';
import { defineRule } from './types.js';
import { lineField } from './lib/claim.js';

/** 837P SV107 and 837D SV311 hold at most 4 diagnosis pointers per line. */
export default defineRule({
  id: 'pointer-limit',
  severity: 'error',
  description: 'Each service line points at no more than 4 diagnoses, each once.',
  *problems(claim): Iterable<Problem> {
    for (const [i, l] of claim.lines.entries()) {
      if (l.diagnosisPointers.length > 4)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) points at ${l.diagnosisPointers.length} diagnoses; a line holds at most 4.`,
          fix: 'Keep the 4 diagnoses that best support this service.',
          field: lineField(i, 'diagnosisPointers'),
          line: l.lineNumber,
        };
      if (new Set(l.diagnosisPointers).size !== l.diagnosisPointers.length)
        yield {
          message: `Line ${l.lineNumber} (${l.code}) points at the same diagnosis twice.`,
          fix: 'Remove the repeated diagnosis link.',
          field: lineField(i, 'diagnosisPointers'),
          line: l.lineNumber,
        };
    }
  },
});
