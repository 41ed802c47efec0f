// Turn a validation into the 999 a clearinghouse front end would send back (005010X231A1): syntax
// and guide errors become IK3/IK4 per transaction set, envelope count errors become IK5/AK9 codes.
// Business-rule findings (NPI check digit, CLM02 totals, ZIPs) are claim-level: they belong in the
// 277CA, so they are returned per CLM01 instead of being put in the 999.
import type { Diagnostic } from '../../appliance/domain/types.js';
import { tokenize } from './tokenize.js';
import type { Ack999, Ack999ElementError, Ack999SegmentError, Ack999Transaction } from './types.js';
import { validateX12 } from './validate.js';

/** IK304 implementation segment syntax error codes. */
const IK3_CODE: Record<string, string> = {
  X12_UNEXPECTED_SEGMENT: '2',
  X12_BAD_QUALIFIER: '2',
  X12_MISSING_SEGMENT: '3',
  X12_MISSING_LOOP: '3',
  X12_LOOP_MAX: '4',
  X12_SEGMENT_MAX: '5',
};

/** IK403 implementation data element syntax error codes. */
const IK4_CODE: Record<string, string> = {
  X12_REQUIRED_ELEMENT: '1',
  X12_TOO_MANY_ELEMENTS: '3',
  X12_TOO_SHORT: '4',
  X12_TOO_LONG: '5',
  X12_BAD_CHARACTER: '6',
  X12_BAD_NUMBER: '6',
  X12_BAD_DECIMAL: '6',
  X12_TRAILING_SEPARATOR: '6',
  X12_BAD_CODE: '7',
  X12_BAD_POS: '7',
  X12_BAD_DATE: '8',
  X12_BAD_TIME: '9',
  X12_NOT_USED_ELEMENT: 'I10',
};

/** IK5 transaction set syntax error codes for trailer problems. */
const IK5_CODE: Record<string, string> = {
  X12_MISSING_SE: '2',
  X12_SE_CONTROL: '3',
  X12_SE_COUNT: '4',
};

export interface Built999 {
  ack: Ack999;
  /** Claim-level findings by CLM01, for the 277CA (STC A7 etc.). */
  claimErrors: Map<string, Diagnostic[]>;
  /** Findings outside any transaction set (envelope), already reflected in AK9. */
  envelopeErrors: Diagnostic[];
}

export function build999(text: string): Built999 {
  const result = validateX12(text);
  const { segments, separators } = tokenize(text);
  const comp = separators?.component ?? ':';
  const gs = segments.find((s) => s.el[0] === 'GS');
  const sts = segments.filter((s) => s.el[0] === 'ST');
  const clms = segments.filter((s) => s.el[0] === 'CLM');
  const txs: Ack999Transaction[] = sts.map((st) => ({
    setId: st.el[1] ?? '',
    controlNumber: st.el[2] ?? '',
    version: st.el[3] || gs?.el[8] || undefined,
    segmentErrors: [],
    status: 'A',
    codes: [],
  }));
  for (const t of txs) if (t.version === undefined) delete t.version;
  const claimErrors = new Map<string, Diagnostic[]>();
  const envelopeErrors: Diagnostic[] = [];
  const groupErrors = new Set<string>();

  const stIndexOf = (pos: number): number => {
    let i = -1;
    for (let k = 0; k < sts.length && sts[k]!.n <= pos; k++) i = k;
    return i;
  };
  for (const d of result.errors) {
    const pos = d.position ?? 0;
    const i = stIndexOf(pos);
    const se = i >= 0 ? segments.find((s) => s.el[0] === 'SE' && s.n > sts[i]!.n) : undefined;
    const inside = i >= 0 && (!se || pos <= se.n);
    if (d.code === 'X12_GE_COUNT') groupErrors.add('5');
    else if (d.code === 'X12_GE_CONTROL') groupErrors.add('4');
    if (
      !inside ||
      d.code.startsWith('X12_GE') ||
      d.code.startsWith('X12_IEA') ||
      d.code.startsWith('X12_ISA')
    ) {
      envelopeErrors.push(d);
      continue;
    }
    const tx = txs[i]!;
    const st = sts[i]!;
    const ik5 = IK5_CODE[d.code];
    if (ik5) {
      if (!tx.codes.includes(ik5)) tx.codes.push(ik5);
      continue;
    }
    const segCode = IK3_CODE[d.code];
    const elCode = IK4_CODE[d.code];
    const clm = [...clms].reverse().find((c) => c.n <= pos && c.n > st.n);
    const claimRef = clm?.el[1];
    if (!segCode && !elCode) {
      // Business rule: report against the claim (277CA), not the 999.
      const key = claimRef ?? '';
      const list = claimErrors.get(key);
      if (list) list.push(d);
      else claimErrors.set(key, [d]);
      continue;
    }
    const position = pos - st.n + 1;
    const loop = /loop (\w+)/.exec(d.message)?.[1];
    let seg: Ack999SegmentError | undefined = tx.segmentErrors.find(
      (e) =>
        e.position === position &&
        e.segmentId === (d.segment ?? '') &&
        (segCode ? e.code === segCode : e.code === '8'),
    );
    if (!seg) {
      seg = { segmentId: d.segment ?? '', position, code: segCode ?? '8', elements: [] };
      if (loop && loop !== 'ST') seg.loopId = loop;
      if (claimRef) seg.claimRef = claimRef;
      tx.segmentErrors.push(seg);
    }
    if (elCode && d.field) {
      const m = /^[A-Z0-9]{2,3}?(\d{2})(?:-(\d+))?$/.exec(d.field);
      const e: Ack999ElementError = { position: Number(m?.[1] ?? 0), code: elCode };
      if (m?.[2]) e.component = Number(m[2]);
      const bad = segments.find((s) => s.n === pos)?.el[e.position];
      if (bad !== undefined && bad !== '' && elCode !== '1')
        e.badValue = e.component ? (bad.split(comp)[e.component - 1] ?? bad) : bad;
      seg.elements.push(e);
    }
  }
  for (const tx of txs) {
    if (tx.segmentErrors.length > 0 && !tx.codes.includes('5')) tx.codes.push('5');
    tx.status = tx.codes.length > 0 ? 'R' : 'A';
    tx.codes = tx.codes.slice(0, 5);
  }
  const accepted = txs.filter((t) => t.status === 'A').length;
  const ack: Ack999 = {
    functionalId: gs?.el[1] ?? 'HC',
    groupControlNumber: gs?.el[6] ?? '',
    transactions: txs,
    status: accepted === 0 || groupErrors.size > 0 ? 'R' : accepted < txs.length ? 'P' : 'A',
    included: txs.length,
    received: txs.length,
    accepted,
    groupErrors: [...groupErrors],
  };
  if (gs?.el[8]) ack.groupVersion = gs.el[8];
  if (
    envelopeErrors.some(
      (d) => d.code === 'X12_NO_ISA' || d.code === 'X12_ISA_WIDTH' || d.code === 'X12_DELIMITERS',
    )
  )
    ack.status = 'R';
  return { ack, claimErrors, envelopeErrors };
}
