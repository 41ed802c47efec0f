// Typed X12 readers. Every reader is text in, { value, diagnostics } out; diagnostics carry segment positions.
export { tokenize, X12Tokenizer, detectSeparators, components } from './tokenize.js';
export { read837 } from './read-837.js';
export { read999, read277CA, read835, readTA1, billedProcedure } from './read-acks.js';

import type { Diagnostic } from '../../appliance/domain/types.js';
import { read837 as r837 } from './read-837.js';
import { read277CA as r277, read835 as r835, read999 as r999, readTA1 as rTA1 } from './read-acks.js';
import { tokenize as tk } from './tokenize.js';

export type X12DocumentKind = '837P' | '837D' | '999' | '277CA' | '835' | 'TA1';

/** One document as read: its kind, the reader's value and the reader's diagnostics. */
export interface X12Document {
  kind: X12DocumentKind | undefined;
  value: unknown;
  diagnostics: Diagnostic[];
}

/**
 * Read any supported document, choosing the reader by ST01 / ST03 (GS08). A 999, 277CA or 835 value
 * is a list with one entry per transaction set; a TA1-only interchange gives a list of TA1s. A file
 * holding transaction sets of more than one kind (a 999 group and a 277CA group, say) gives kind
 * 'mixed' and one document per kind, each read by its own reader; the diagnostics are theirs together.
 */
export function readX12(text: string): {
  kind: X12DocumentKind | 'mixed' | undefined;
  value: unknown;
  diagnostics: Diagnostic[];
} {
  // Only the head is needed to choose; tokenizing 4 KB keeps this cheap on big files.
  const head = tk(text.slice(0, 4096));
  const st = head.segments.find((s) => s.el[0] === 'ST');
  const gs = head.segments.find((s) => s.el[0] === 'GS');
  if (!st && head.segments.some((s) => s.el[0] === 'TA1')) return { kind: 'TA1', ...rTA1(text) };
  const kinds = st ? kindsOf(text) : [];
  if (kinds.length > 1) {
    // Each reader reports the other kinds' sets as not read (X12_OTHER_SET): their own readers read them.
    const docs = kinds.map((k) => {
      const d = readKind(k, text);
      return { ...d, diagnostics: d.diagnostics.filter((x) => x.code !== 'X12_OTHER_SET') };
    });
    return {
      kind: 'mixed',
      value: docs.map((d) => ({ kind: d.kind, value: d.value })),
      diagnostics: docs.flatMap((d) => d.diagnostics),
    };
  }
  const version = st?.el[3] || gs?.el[8] || '';
  const set = st?.el[1] ?? '';
  if (set === '837' || set === '999' || set === '277' || set === '835')
    return readKind(`${set} ${version}`, text);
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

/** The distinct readable sets of a file, as `ST01 version` (the first set's), first seen first. */
function kindsOf(text: string): string[] {
  const out: string[] = [];
  let gs08 = '';
  for (const s of tk(text).segments) {
    if (s.el[0] === 'GS') gs08 = s.el[8] ?? '';
    if (s.el[0] !== 'ST') continue;
    const set = s.el[1] ?? '';
    if (set !== '837' && set !== '999' && set !== '277' && set !== '835') continue;
    // One reader per set (read837 reads 837P and 837D sets alike; the first one's version names it).
    if (!out.some((k) => k.startsWith(`${set} `))) out.push(`${set} ${s.el[3] || gs08}`);
  }
  return out;
}

/** The reader for `ST01 version`. */
function readKind(key: string, text: string): X12Document {
  const [set, version] = key.split(' ');
  switch (set ?? '') {
    case '837':
      return { kind: version === '005010X224A2' ? '837D' : '837P', ...r837(text) };
    case '999':
      return { kind: '999', ...r999(text) };
    case '277':
      return { kind: '277CA', ...r277(text) };
    default:
      return { kind: '835', ...r835(text) };
  }
}
