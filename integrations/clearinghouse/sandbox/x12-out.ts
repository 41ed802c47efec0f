// Text for the sandbox's answers: 999 (005010X231A1), 277CA (005010X214), 835 (005010X221A1).
// Minimal writers that cover what adjudicate.ts produces, built on the x12 package's envelope and
// value helpers; the codec prefers the x12 package's own writers once they exist.
import type { Address } from '../../../appliance/domain/types.js';
import type {
  Ack277CA,
  Ack999,
  CasAdjustment,
  EnvelopeOptions,
  Remit835,
  StcStatus,
} from '../../x12/types.js';
import {
  d8,
  interchangeHead,
  interchangeTail,
  makeClean,
  money,
  separatorsOf,
  stControl,
} from '../../x12/values.js';

function build(
  env: EnvelopeOptions,
  functionalId: string,
  version: string,
  st01: string,
  body: string[][],
): string {
  const sep = separatorsOf(env);
  const e = sep.element;
  const t = sep.segment;
  const head = interchangeHead(env, functionalId, version);
  const st02 = stControl(env.stStart);
  // Drop trailing empty elements: X12 forbids trailing element separators.
  const seg = (els: string[]) => {
    let n = els.length;
    while (n > 1 && (els[n - 1] ?? '') === '') n--;
    return els.slice(0, n).join(e);
  };
  const segs = [seg(['ST', st01, st02, version]), ...body.map(seg)];
  segs.push(seg(['SE', String(segs.length + 1), st02]));
  return head.text + segs.map((s) => s + t).join('') + interchangeTail(env, 1);
}

export function write999(ack: Ack999, env: EnvelopeOptions): string {
  const c = separatorsOf(env).component;
  const body: string[][] = [['AK1', ack.functionalId, ack.groupControlNumber, ack.groupVersion ?? '']];
  for (const t of ack.transactions) {
    body.push(['AK2', t.setId, t.controlNumber, t.version ?? '']);
    for (const s of t.segmentErrors) {
      body.push(['IK3', s.segmentId, String(s.position), s.loopId ?? '', s.code]);
      if (s.claimRef) body.push(['CTX', `CLM01${c}${s.claimRef}`]);
      for (const el of s.elements) {
        const pos = [
          String(el.position),
          el.component ? String(el.component) : '',
          el.repetition ? String(el.repetition) : '',
        ]
          .join(c)
          .replace(new RegExp(`\\${c}+$`), '');
        body.push(['IK4', pos, el.elementRef ?? '', el.code, el.badValue ?? '']);
      }
    }
    body.push(['IK5', t.status, ...t.codes.slice(0, 5)]);
  }
  body.push([
    'AK9',
    ack.status,
    String(ack.included),
    String(ack.received),
    String(ack.accepted),
    ...ack.groupErrors.slice(0, 5),
  ]);
  return build(env, 'FA', '005010X231A1', '999', body);
}

function stc(s: StcStatus, c: string, date: string): string[] {
  return [
    'STC',
    [s.category, s.status, s.entity ?? ''].join(c).replace(new RegExp(`\\${c}+$`), ''),
    d8(s.date ?? date),
    s.action ?? '',
    s.amountCents !== undefined ? money(s.amountCents) : '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    s.message ?? '',
  ];
}

export function write277CA(ack: Ack277CA, env: EnvelopeOptions): string {
  const sep = separatorsOf(env);
  const c = sep.component;
  const clean = makeClean(sep);
  const date = ack.createdDate;
  const now = env.now.toISOString();
  const body: string[][] = [
    // BHT01 0085 information source/receiver/provider/patient; BHT02 08 status; BHT06 TH receipt acknowledgment.
    ['BHT', '0085', '08', ack.reference, d8(date), now.slice(11, 13) + now.slice(14, 16), 'TH'],
    ['HL', '1', '', '20', '1'],
    ['NM1', 'AY', '2', clean(ack.source.name), '', '', '', '', '46', ack.source.id ?? ''],
    ['TRN', '1', ack.reference],
    ['DTP', '050', 'D8', d8(ack.receivedDate ?? date)],
    ['DTP', '009', 'D8', d8(ack.processDate ?? date)],
    ['HL', '2', '1', '21', '1'],
    ['NM1', '41', '2', clean(ack.receiver.name), '', '', '', '', '46', ack.receiver.id ?? ''],
    ['TRN', '2', ack.reference],
    ...ack.batchStatuses.map((s) => stc(s, c, date)),
  ];
  if (ack.acceptedQuantity !== undefined) body.push(['QTY', '90', String(ack.acceptedQuantity)]);
  if (ack.rejectedQuantity) body.push(['QTY', 'AA', String(ack.rejectedQuantity)]);
  if (ack.acceptedAmountCents !== undefined) body.push(['AMT', 'YU', money(ack.acceptedAmountCents)]);
  if (ack.rejectedAmountCents) body.push(['AMT', 'YY', money(ack.rejectedAmountCents)]);
  let hl = 2;
  const providers = [...new Set(ack.claims.map((cl) => cl.billingProviderNpi ?? ''))];
  for (const npi of providers) {
    const providerHl = ++hl;
    body.push(['HL', String(providerHl), '2', '19', '1']);
    body.push(['NM1', '85', '2', 'BILLING PROVIDER', '', '', '', '', 'XX', npi]);
    for (const cl of ack.claims.filter((x) => (x.billingProviderNpi ?? '') === npi)) {
      body.push(['HL', String(++hl), String(providerHl), 'PT']);
      body.push([
        'NM1',
        'QC',
        '1',
        clean(cl.patient.lastName),
        clean(cl.patient.firstName ?? ''),
        '',
        '',
        '',
        cl.patient.memberId ? 'MI' : '',
        cl.patient.memberId ?? '',
      ]);
      body.push(['TRN', '2', cl.patientControlNumber]);
      for (const s of cl.statuses) body.push(stc(s, c, date));
      if (cl.payerClaimNumber) body.push(['REF', '1K', cl.payerClaimNumber]);
      if (cl.clearinghouseTrace) body.push(['REF', 'D9', cl.clearinghouseTrace]);
      if (cl.serviceDate)
        body.push(
          cl.serviceDateEnd
            ? ['DTP', '472', 'RD8', `${d8(cl.serviceDate)}-${d8(cl.serviceDateEnd)}`]
            : ['DTP', '472', 'D8', d8(cl.serviceDate)],
        );
    }
  }
  return build(env, 'HN', '005010X214', '277', body);
}

/** CAS: one segment per group, up to six reason/amount/quantity triplets each. */
function cas(adjs: CasAdjustment[]): string[][] {
  const out: string[][] = [];
  for (const group of ['CO', 'PR', 'OA', 'PI', 'CR'] as const) {
    const mine = adjs.filter((a) => a.group === group);
    for (let i = 0; i < mine.length; i += 6) {
      const seg = ['CAS', group];
      for (const a of mine.slice(i, i + 6))
        seg.push(a.reason, money(a.amountCents), a.quantity !== undefined ? String(a.quantity) : '');
      out.push(seg);
    }
  }
  return out;
}

function n3n4(a: Address | undefined): string[][] {
  if (!a) return [];
  return [
    ['N3', a.line1, a.line2 ?? ''],
    ['N4', a.city, a.state, a.zip],
  ];
}

export function write835(remit: Remit835, env: EnvelopeOptions): string {
  const sep = separatorsOf(env);
  const c = sep.component;
  const clean = makeClean(sep);
  const p = remit.payment;
  const body: string[][] = [
    p.method === 'NON'
      ? [
          'BPR',
          p.handling,
          money(p.amountCents),
          p.creditDebit,
          'NON',
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
        ]
      : // BPR05 CCP, then sender DFI (01 ABA routing, DA account) and receiver DFI; synthetic numbers.
        [
          'BPR',
          p.handling,
          money(p.amountCents),
          p.creditDebit,
          p.method,
          'CCP',
          '01',
          '999999999',
          'DA',
          '123456',
          remit.trace.originatorId,
          '',
          '01',
          '999988880',
          'DA',
          '98765',
          d8(p.date),
        ],
    ['TRN', '1', remit.trace.number, remit.trace.originatorId],
  ];
  if (remit.productionDate) body.push(['DTM', '405', d8(remit.productionDate)]);
  body.push(['N1', 'PR', clean(remit.payer.name)]);
  // The payer address (N3/N4) is required in 1000A; the x12 types carry it only in later revisions.
  const payerAddress = (remit.payer as { address?: Address }).address;
  body.push(
    ...n3n4(payerAddress ?? { line1: '1 SANDBOX WAY', city: 'TESTVILLE', state: 'TX', zip: '75001' }),
  );
  if (remit.payer.id) body.push(['REF', '2U', remit.payer.id]);
  body.push(['PER', 'BL', 'SANDBOX EDI SUPPORT', 'TE', '5555550199']);
  body.push(['N1', 'PE', clean(remit.payee.name), 'XX', remit.payee.npi ?? '']);
  if (remit.payee.taxId) body.push(['REF', 'TJ', remit.payee.taxId]);
  if (remit.claims.length > 0) body.push(['LX', '1']);
  for (const cl of remit.claims) {
    body.push([
      'CLP',
      cl.patientControlNumber,
      cl.status,
      money(cl.chargeCents),
      money(cl.paidCents),
      cl.patientResponsibilityCents !== undefined ? money(cl.patientResponsibilityCents) : '',
      cl.filingIndicator ?? '',
      cl.payerClaimNumber ?? '',
      cl.facilityType ?? '',
      cl.frequency ?? '',
    ]);
    body.push(...cas(cl.adjustments));
    if (cl.patient)
      body.push([
        'NM1',
        'QC',
        '1',
        clean(cl.patient.lastName),
        clean(cl.patient.firstName ?? ''),
        '',
        '',
        '',
        cl.patient.memberId ? 'MI' : '',
        cl.patient.memberId ?? '',
      ]);
    if (cl.renderingNpi)
      body.push(['NM1', '82', '2', 'RENDERING PROVIDER', '', '', '', '', 'XX', cl.renderingNpi]);
    // MOA (outpatient adjudication) carries claim-level remark codes in MOA03..MOA07.
    if (cl.remarks.length > 0) body.push(['MOA', '', '', ...cl.remarks.slice(0, 5)]);
    for (const d of cl.dates) body.push(['DTM', d.qualifier, d8(d.date)]);
    for (const svc of cl.services) {
      const proc = [svc.qualifier, svc.code, ...svc.modifiers].join(c);
      const sub = svc.submitted
        ? [svc.submitted.qualifier, svc.submitted.code, ...svc.submitted.modifiers].join(c)
        : '';
      body.push([
        'SVC',
        proc,
        money(svc.chargeCents),
        money(svc.paidCents),
        svc.revenueCode ?? '',
        svc.units !== undefined ? String(svc.units) : '',
        sub,
        svc.submittedUnits !== undefined ? String(svc.submittedUnits) : '',
      ]);
      if (svc.date) body.push(['DTM', '472', d8(svc.date)]);
      body.push(...cas(svc.adjustments));
      for (const r of svc.refs) body.push(['REF', r.qualifier, r.value]);
      for (const a of svc.amounts) body.push(['AMT', a.qualifier, money(a.cents)]);
      for (const r of svc.remarks) body.push(['LQ', 'HE', r]);
    }
  }
  for (const plb of remit.providerAdjustments)
    for (let i = 0; i < plb.items.length; i += 6) {
      const seg = ['PLB', plb.providerId, d8(plb.fiscalPeriodDate)];
      for (const it of plb.items.slice(i, i + 6))
        seg.push(it.reference ? `${it.reason}${c}${it.reference}` : it.reason, money(it.amountCents));
      body.push(seg);
    }
  return build(env, 'HP', '005010X221A1', '835', body);
}
