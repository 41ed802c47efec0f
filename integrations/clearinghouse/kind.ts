// What kind of X12 document a file holds, read from its first ST segment (ST01 transaction set id).
// Transports use it to label what they fetch; the x12 reader does the real parsing later.
import type { RemoteKind } from '../../appliance/ports.js';

/**
 * ST01 of the first transaction set: 999 → '999', 277 (005010X214 claim acknowledgment) → '277CA',
 * 835 → '835'; an interchange holding a TA1 and no transaction set → 'TA1'; anything else, or text
 * that is not X12, → 'other'.
 */
export function sniffKind(content: string): RemoteKind {
  return sniffKinds(content)[0] ?? 'other';
}

/**
 * The kinds of every transaction set in the file, each once, in the order they first appear (as
 * sniffKind reads the first one): a file may hold a 999 group and a 277CA group, or two interchanges of
 * different kinds. A set of a kind claimbox does not read is 'other'. An interchange with a TA1 and no
 * transaction set at all gives ['TA1']; text that is not X12 gives [].
 */
export function sniffKinds(content: string): RemoteKind[] {
  const text = content.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('ISA') || text.length < 106) return [];
  // ISA is fixed width: the element separator is the 4th character, the segment terminator the 106th.
  const element = text[3]!;
  const terminator = text[105]!;
  let gs08 = '';
  let ta1 = false;
  const kinds: RemoteKind[] = [];
  for (const raw of text.split(terminator)) {
    const seg = raw.trim();
    // X12 TA1 interchange acknowledgment: between ISA and IEA, outside any functional group.
    if (seg.startsWith(`TA1${element}`)) ta1 = true;
    if (seg.startsWith(`GS${element}`)) gs08 = seg.split(element)[8] ?? '';
    if (!seg.startsWith(`ST${element}`)) continue;
    const [, st01, , st03] = seg.split(element);
    const kind: RemoteKind =
      st01 === '999'
        ? '999'
        : // A 277 answering a 276 status inquiry (005010X212) is not a claim acknowledgment (X214).
          st01 === '277'
          ? (st03 || gs08).includes('X212')
            ? 'other'
            : '277CA'
          : st01 === '835'
            ? '835'
            : 'other';
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  if (kinds.length === 0 && ta1) kinds.push('TA1');
  return kinds;
}
