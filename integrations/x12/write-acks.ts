// Writers for what comes back from a clearinghouse: 999 (005010X231A1), 277CA (005010X214) and
// 835 (005010X221A1). The sandbox clearinghouse builds its responses with these; tests use them
// to make realistic inbound files. One transaction set per interchange, ST02 = env.stStart.
import type {
  Ack277CA,
  Ack999,
  CasAdjustment,
  EnvelopeOptions,
  Remit835,
  RemitClaim,
  StcStatus,
} from './types.js';
import {
  d8,
  interchangeHead,
  interchangeTail,
  makeClean,
  money,
  qty,
  separatorsOf,
  stControl,
} from './values.js';

export const VERSION_999 = '005010X231A1';
export const VERSION_277CA = '005010X214';
export const VERSION_835 = '005010X221A1';

/** Build a segment from elements, dropping trailing empty elements (X12 forbids trailing separators). */
function segmenter(env: EnvelopeOptions) {
  const sep = separatorsOf(env);
  const clean = makeClean(sep);
  const out: string[] = [];
  const add = (...els: (string | number | undefined)[]) => {
    let last = els.length - 1;
    while (last > 0 && (els[last] === undefined || els[last] === '')) last--;
    let s = '';
    for (let i = 0; i <= last; i++) {
      const v = els[i];
      s += (i ? sep.element : '') + (v === undefined ? '' : String(v));
    }
    out.push(s);
  };
  const comp = (...parts: (string | number | undefined)[]) => {
    let last = parts.length - 1;
    while (last > 0 && (parts[last] === undefined || parts[last] === '')) last--;
    return parts
      .slice(0, last + 1)
      .map((p) => (p === undefined ? '' : String(p)))
      .join(sep.component);
  };
  return { sep, clean, out, add, comp };
}

function finish(env: EnvelopeOptions, head: string, out: string[]): string {
  const sep = separatorsOf(env);
  const st02 = stControl(env.stStart);
  out.push(`SE${sep.element}${out.length + 1}${sep.element}${st02}`);
  return head + out.join(sep.segment) + sep.segment + interchangeTail(env, 1);
}

// ---------------------------------------------------------------- 999

export function write999(ack: Ack999, env: EnvelopeOptions): string {
  const head = interchangeHead(env, 'FA', VERSION_999);
  const { out, add, comp, clean } = segmenter(env);
  add('ST', '999', stControl(env.stStart), VERSION_999);
  // AK103 is required in X231A1: fall back to the first set's guide, then the 837P guide.
  const groupVersion = ack.groupVersion ?? ack.transactions.find((t) => t.version)?.version ?? '005010X222A1';
  add('AK1', ack.functionalId, ack.groupControlNumber, groupVersion);
  for (const tx of ack.transactions) {
    add('AK2', tx.setId, tx.controlNumber, tx.version ?? groupVersion);
    for (const se of tx.segmentErrors) {
      add('IK3', se.segmentId, se.position, se.loopId, se.code);
      // 2100 CTX business unit identifier: which claim (CLM01) the error belongs to.
      if (se.claimRef) add('CTX', comp('CLM01', clean(se.claimRef)));
      for (const ee of se.elements) {
        add(
          'IK4',
          comp(ee.position, ee.component, ee.repetition),
          ee.elementRef,
          ee.code,
          ee.badValue === undefined ? undefined : clean(ee.badValue).slice(0, 99),
        );
      }
    }
    add('IK5', tx.status, ...tx.codes.slice(0, 5));
  }
  add('AK9', ack.status, ack.included, ack.received, ack.accepted, ...ack.groupErrors.slice(0, 5));
  return finish(env, head.text, out);
}

// ---------------------------------------------------------------- 277CA

/** ACCEPTED categories get action WQ, everything else U (STC03). */
const ACCEPT_CATEGORIES = new Set(['A0', 'A1', 'A2', 'A5']);

function stc(
  add: (...e: (string | number | undefined)[]) => void,
  comp: (...p: (string | undefined)[]) => string,
  s: StcStatus,
  fallbackDate: string,
  fallbackAmount?: number,
) {
  const more = s.more ?? [];
  const amount = s.amountCents ?? fallbackAmount;
  add(
    'STC',
    comp(s.category, s.status, s.entity),
    d8(s.date ?? fallbackDate),
    s.action ?? (ACCEPT_CATEGORIES.has(s.category) ? 'WQ' : 'U'),
    amount === undefined ? undefined : money(amount),
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    more[0] ? comp(more[0].category, more[0].status, more[0].entity) : undefined,
    more[1] ? comp(more[1].category, more[1].status, more[1].entity) : undefined,
    s.message,
  );
}

export function write277CA(ack: Ack277CA, env: EnvelopeOptions): string {
  const head = interchangeHead(env, 'HN', VERSION_277CA);
  const { out, add, comp, clean } = segmenter(env);
  const today = `${head.stamp.date8.slice(0, 4)}-${head.stamp.date8.slice(4, 6)}-${head.stamp.date8.slice(6, 8)}`;
  add('ST', '277', stControl(env.stStart), VERSION_277CA);
  // BHT01 0085 information source/receiver/provider/patient structure, BHT02 08 status, BHT06 TH receipt ack.
  add('BHT', '0085', '08', clean(ack.reference), d8(ack.createdDate), head.stamp.time4, 'TH');
  let hl = 0;
  // 2000A information source.
  add('HL', ++hl, '', '20', '1');
  add(
    'NM1',
    'PR',
    '2',
    clean(ack.source.name),
    '',
    '',
    '',
    '',
    ack.source.id ? '46' : undefined,
    ack.source.id,
  );
  add('TRN', '1', clean(ack.reference));
  add('DTP', '050', 'D8', d8(ack.receivedDate ?? today));
  add('DTP', '009', 'D8', d8(ack.processDate ?? today));
  // 2000B information receiver (the submitter) with the batch-level status.
  const rcvHl = ++hl;
  add('HL', rcvHl, 1, '21', ack.claims.length > 0 ? '1' : '0');
  add(
    'NM1',
    '41',
    '2',
    clean(ack.receiver.name),
    '',
    '',
    '',
    '',
    ack.receiver.id ? '46' : undefined,
    ack.receiver.id,
  );
  // 2200B TRN02: the submitter's BHT03, by which it finds the file this acknowledges.
  add('TRN', '2', clean(ack.batchReference ?? ack.reference));
  for (const s of ack.batchStatuses)
    stc(add, comp, s, today, (ack.acceptedAmountCents ?? 0) + (ack.rejectedAmountCents ?? 0));
  if (ack.acceptedQuantity !== undefined) add('QTY', '90', ack.acceptedQuantity);
  if (ack.rejectedQuantity !== undefined) add('QTY', 'AA', ack.rejectedQuantity);
  if (ack.acceptedAmountCents !== undefined) add('AMT', 'YU', money(ack.acceptedAmountCents));
  if (ack.rejectedAmountCents !== undefined) add('AMT', 'YY', money(ack.rejectedAmountCents));
  // 2000C billing provider levels, one per provider NPI in claim order; 2000D patient per claim.
  let provHl = 0;
  let lastNpi: string | undefined;
  for (const c of ack.claims) {
    const npi = c.billingProviderNpi ?? '';
    if (provHl === 0 || npi !== lastNpi) {
      lastNpi = npi;
      provHl = ++hl;
      add('HL', provHl, rcvHl, '19', '1');
      const name = clean(c.billingProviderName ?? 'BILLING PROVIDER');
      add('NM1', '85', '2', name, '', '', '', '', npi ? 'XX' : undefined, npi || undefined);
      add('TRN', '1', `${clean(ack.reference)}${provHl}`);
    }
    add('HL', ++hl, provHl, 'PT');
    const p = c.patient;
    add(
      'NM1',
      'QC',
      '1',
      clean(p.lastName),
      p.firstName ? clean(p.firstName) : undefined,
      '',
      '',
      '',
      p.memberId ? 'MI' : undefined,
      p.memberId ? clean(p.memberId) : undefined,
    );
    // 2200D TRN*2: the patient control number (CLM01) of the claim this status is about.
    add('TRN', '2', clean(c.patientControlNumber));
    for (const s of c.statuses) stc(add, comp, s, today, c.totalChargeCents ?? 0);
    if (c.payerClaimNumber) add('REF', '1K', clean(c.payerClaimNumber));
    if (c.clearinghouseTrace) add('REF', 'D9', clean(c.clearinghouseTrace));
    if (c.serviceDate) {
      if (c.serviceDateEnd && c.serviceDateEnd !== c.serviceDate)
        add('DTP', '472', 'RD8', `${d8(c.serviceDate)}-${d8(c.serviceDateEnd)}`);
      else add('DTP', '472', 'D8', d8(c.serviceDate));
    }
  }
  return finish(env, head.text, out);
}

// ---------------------------------------------------------------- 835

function cas(add: (...e: (string | number | undefined)[]) => void, adjs: CasAdjustment[]) {
  // CAS: one segment per group, up to six reason/amount/quantity triplets each.
  const groups = new Map<string, CasAdjustment[]>();
  for (const a of adjs) {
    const g = groups.get(a.group);
    if (g) g.push(a);
    else groups.set(a.group, [a]);
  }
  for (const [group, list] of groups) {
    for (let i = 0; i < list.length; i += 6) {
      const els: (string | number | undefined)[] = ['CAS', group];
      for (const a of list.slice(i, i + 6))
        els.push(a.reason, money(a.amountCents), a.quantity === undefined ? undefined : qty(a.quantity));
      add(...els);
    }
  }
}

function person835(
  add: (...e: (string | number | undefined)[]) => void,
  clean: (v: string) => string,
  code: string,
  p: { lastName: string; firstName?: string; memberId?: string } | undefined,
) {
  if (!p) return;
  add(
    'NM1',
    code,
    '1',
    clean(p.lastName),
    p.firstName ? clean(p.firstName) : undefined,
    '',
    '',
    '',
    p.memberId ? 'MI' : undefined,
    p.memberId ? clean(p.memberId) : undefined,
  );
}

export function write835(remit: Remit835, env: EnvelopeOptions): string {
  const head = interchangeHead(env, 'HP', VERSION_835);
  const { out, add, comp, clean } = segmenter(env);
  add('ST', '835', stControl(env.stStart), VERSION_835);
  const p = remit.payment;
  if (p.method === 'ACH') {
    // BPR06-09 originating DFI (01 ABA, DA account), BPR10 originating company id, BPR12-15 receiver DFI.
    add(
      'BPR',
      p.handling,
      money(p.amountCents),
      p.creditDebit,
      'ACH',
      'CCP',
      '01',
      '999999992',
      'DA',
      '123456',
      '1999999999',
      '',
      '01',
      '999988880',
      'DA',
      '98765',
      d8(p.date),
    );
  } else {
    add(
      'BPR',
      p.handling,
      money(p.amountCents),
      p.creditDebit,
      p.method,
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      d8(p.date),
    );
  }
  add('TRN', '1', clean(remit.trace.number), remit.trace.originatorId);
  if (remit.productionDate) add('DTM', '405', d8(remit.productionDate));
  // 1000A payer.
  add('N1', 'PR', clean(remit.payer.name));
  const pa = remit.payer.address;
  if (pa) {
    add('N3', clean(pa.line1), pa.line2 ? clean(pa.line2) : undefined);
    add('N4', clean(pa.city), pa.state, pa.zip);
  }
  if (remit.payer.id) add('REF', '2U', remit.payer.id);
  const tc = remit.payer.technicalContact ?? {};
  const comms: string[] = [];
  if (tc.phone) comms.push('TE', tc.phone);
  if (tc.email) comms.push('EM', tc.email);
  if (tc.url) comms.push('UR', tc.url);
  add('PER', 'BL', clean(tc.name ?? 'EDI SUPPORT'), ...comms.slice(0, 6));
  // 1000B payee.
  add('N1', 'PE', clean(remit.payee.name), remit.payee.npi ? 'XX' : undefined, remit.payee.npi);
  const ya = remit.payee.address;
  if (ya) {
    add('N3', clean(ya.line1), ya.line2 ? clean(ya.line2) : undefined);
    add('N4', clean(ya.city), ya.state, ya.zip);
  }
  if (remit.payee.taxId) add('REF', 'TJ', remit.payee.taxId);
  let header: number | undefined;
  for (const c of remit.claims) {
    const h = c.header ?? 1;
    if (h !== header) {
      header = h;
      add('LX', h);
    }
    writeClaim(c);
  }
  for (const plb of remit.providerAdjustments) {
    for (let i = 0; i < plb.items.length; i += 6) {
      const els: (string | number | undefined)[] = ['PLB', plb.providerId, d8(plb.fiscalPeriodDate)];
      for (const it of plb.items.slice(i, i + 6))
        els.push(comp(it.reason, it.reference), money(it.amountCents));
      add(...els);
    }
  }
  return finish(env, head.text, out);

  function writeClaim(c: RemitClaim) {
    add(
      'CLP',
      clean(c.patientControlNumber),
      c.status,
      money(c.chargeCents),
      money(c.paidCents),
      c.patientResponsibilityCents === undefined ? undefined : money(c.patientResponsibilityCents),
      c.filingIndicator ?? 'CI',
      c.payerClaimNumber ? clean(c.payerClaimNumber) : undefined,
      c.facilityType,
      c.frequency,
    );
    cas(add, c.adjustments);
    person835(add, clean, 'QC', c.patient);
    person835(add, clean, 'IL', c.insured);
    person835(add, clean, '74', c.correctedInsured);
    if (c.renderingNpi) add('NM1', '82', '2', 'RENDERING PROVIDER', '', '', '', '', 'XX', c.renderingNpi);
    if (c.remarks.length > 0) add('MOA', '', '', ...c.remarks.slice(0, 5));
    for (const r of c.refs) add('REF', r.qualifier, clean(r.value));
    for (const d of c.dates) add('DTM', d.qualifier, d8(d.date));
    for (const a of c.amounts) add('AMT', a.qualifier, money(a.cents));
    for (const s of c.services) {
      add(
        'SVC',
        comp(s.qualifier, s.code, ...s.modifiers),
        money(s.chargeCents),
        money(s.paidCents),
        s.revenueCode,
        s.units === undefined ? undefined : qty(s.units),
        s.submitted ? comp(s.submitted.qualifier, s.submitted.code, ...s.submitted.modifiers) : undefined,
        s.submittedUnits === undefined ? undefined : qty(s.submittedUnits),
      );
      if (s.date) {
        if (s.dateEnd && s.dateEnd !== s.date) {
          add('DTM', '150', d8(s.date));
          add('DTM', '151', d8(s.dateEnd));
        } else add('DTM', '472', d8(s.date));
      }
      cas(add, s.adjustments);
      for (const r of s.refs) add('REF', r.qualifier, clean(r.value));
      for (const a of s.amounts) add('AMT', a.qualifier, money(a.cents));
      for (const rm of s.remarks) add('LQ', 'HE', rm);
    }
  }
}
