// Typed X12 readers. Every reader is text in, { value, diagnostics } out; diagnostics carry segment positions.
export { tokenize, X12Tokenizer, detectSeparators, components } from './tokenize.js';
export { read837 } from './read-837.js';
export { read999, read277CA, read835, readTA1, billedProcedure } from './read-acks.js';

import type { Diagnostic } from '../../appliance/domain/types.js';
import { read837 as r837 } from './read-837.js';
import { read277CA as r277, read835 as r835, read999 as r999, readTA1 as rTA1 } from './read-acks.js';
import { tokenize as tk } from './tokenize.js';

export type X12DocumentKind = '837P' | '837D' | '999' | '277CA' | '835' | 'TA1';

/**
 * Read any supported document, choosing the reader by ST01 / ST03 (GS08). A 999, 277CA or 835 value
 * is a list with one entry per transaction set; a TA1-only interchange gives a list of TA1s.
 */
export function readX12(text: string): {
  kind: X12DocumentKind | undefined;
  value: unknown;
  diagnostics: Diagnostic[];
} {
  // Only the head is needed to choose; tokenizing 4 KB keeps this cheap on big files.
  const head = tk(text.slice(0, 4096));
  const st = head.segments.find((s) => s.el[0] === 'ST');
  const gs = head.segments.find((s) => s.el[0] === 'GS');
  const version = st?.el[3] || gs?.el[8] || '';
  if (!st && head.segments.some((s) => s.el[0] === 'TA1')) return { kind: 'TA1', ...rTA1(text) };
  switch (st?.el[1] ?? '') {
    case '837': {
      const r = r837(text);
      return { kind: version === '005010X224A2' ? '837D' : '837P', ...r };
    }
    case '999':
      return { kind: '999', ...r999(text) };
    case '277':
      return { kind: '277CA', ...r277(text) };
    case '835':
      return { kind: '835', ...r835(text) };
    default:
      return {
        kind: undefined,
        value: undefined,
        diagnostics: [
          ...head.diagnostics,
          {
            code: 'X12_UNSUPPORTED',
            message: `no reader for transaction set '${st?.el[1] ?? 'none'}'`,
            severity: 'error',
            segment: 'ST',
            position: st?.n ?? 0,
          },
        ],
      };
  }
}
