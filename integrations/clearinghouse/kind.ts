// What kind of X12 document a file holds, read from its first ST segment (ST01 transaction set id).
// Transports use it to label what they fetch; the x12 reader does the real parsing later.
import type { RemoteKind } from '../../appliance/ports.js';

/**
 * ST01 of the first transaction set: 999 → '999', 277 (005010X214 claim acknowledgment) → '277CA',
 * 835 → '835'; an interchange holding a TA1 and no transaction set → 'TA1'; anything else, or text
 * that is not X12, → 'other'.
 */
export function sniffKind(content: string): RemoteKind {
  const text = content.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('ISA') || text.length < 106) return 'other';
  // ISA is fixed width: the element separator is the 4th character, the segment terminator the 106th.
  const element = text[3]!;
  const terminator = text[105]!;
  let gs08 = '';
  let ta1 = false;
  for (const raw of text.split(terminator)) {
    const seg = raw.trim();
    // X12 TA1 interchange acknowledgment: between ISA and IEA, outside any functional group.
    if (seg.startsWith(`TA1${element}`)) ta1 = true;
    if (seg.startsWith(`GS${element}`)) gs08 = seg.split(element)[8] ?? '';
    if (!seg.startsWith(`ST${element}`)) continue;
    const [, st01, , st03] = seg.split(element);
    if (st01 === '999') return '999';
    // A 277 answering a 276 status inquiry (005010X212) is not a claim acknowledgment (X214).
    if (st01 === '277') return (st03 ?? gs08).includes('X212') ? 'other' : '277CA';
    if (st01 === '835') return '835';
    return 'other';
  }
  return ta1 ? 'TA1' : 'other';
}
