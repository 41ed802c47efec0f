// Readers for the clearinghouse's answers: 999, 277CA, 835. Each walks the segments once with a
// small state machine keyed on loop-opening segments; amounts are parsed exactly into cents.
import type { Diagnostic } from '../../appliance/domain/types.js';
import { diag } from './header.js';
import { tokenize } from './tokenize.js';
import type {
  Ack277CA,
  Ack999,
  Ack999SegmentError,
  Ack999Transaction,
  CasAdjustment,
  CasGroup,
  ClaimAck277,
  ProviderAdjustment,
  Read,
  Remit835,
  RemitClaim,
  RemitService,
  Segment,
  Separators,
  StcStatus,
} from './types.js';
import { fromD8, parseCents } from './values.js';

interface Ctx {
  segments: Segment[];
  sep: Separators;
  diagnostics: Diagnostic[];
  comp(v: string | undefined): string[];
  cents(s: Segment, i: number, required?: boolean): number | undefined;
}

function open(text: string, setId: string): Ctx | { fail: Diagnostic[] } {
  const tk = tokenize(text);
  const diagnostics = [...tk.diagnostics];
  if (!tk.separators) return { fail: diagnostics };
  const sep = tk.separators;
  const st = tk.segments.find((s) => s.el[0] === 'ST');
  if (!st || st.el[1] !== setId) {
    diagnostics.push(
      diag('X12_WRONG_SET', `expected an ${setId} transaction set, found '${st?.el[1] ?? 'none'}'`, st, 1),
    );
    return { fail: diagnostics };
  }
  return {
    segments: tk.segments,
    sep,
    diagnostics,
    comp: (v) => (v ?? '').split(sep.component),
    cents(s, i, required = true) {
      const v = s.el[i];
      if (v === undefined || v === '') {
        if (required)
          diagnostics.push(
            diag('X12_MISSING_AMOUNT', `${s.el[0] ?? ''}${String(i).padStart(2, '0')} amount missing`, s, i),
          );
        return undefined;
      }
      const c = parseCents(v);
      if (c === undefined) diagnostics.push(diag('X12_BAD_AMOUNT', `'${v}' is not an amount`, s, i));
      return c;
    },
  };
}

// ---------------------------------------------------------------- 999

export function read999(text: string): Read<Ack999> {
  const o = open(text, '999');
  if ('fail' in o) return { value: undefined, diagnostics: o.fail };
  const ack: Ack999 = {
    functionalId: '',
    groupControlNumber: '',
    transactions: [],
    status: 'R',
    included: 0,
    received: 0,
    accepted: 0,
    groupErrors: [],
  };
  let tx: Ack999Transaction | undefined;
  let se: Ack999SegmentError | undefined;
  for (const s of o.segments) {
    const el = s.el;
    switch (el[0] ?? '') {
      case 'AK1':
        ack.functionalId = el[1] ?? '';
        ack.groupControlNumber = el[2] ?? '';
        if (el[3]) ack.groupVersion = el[3];
        break;
      case 'AK2':
        tx = { setId: el[1] ?? '', controlNumber: el[2] ?? '', segmentErrors: [], status: 'A', codes: [] };
        if (el[3]) tx.version = el[3];
        ack.transactions.push(tx);
        se = undefined;
        break;
      case 'IK3':
        if (!tx) break;
        se = { segmentId: el[1] ?? '', position: Number(el[2] ?? 0), code: el[4] ?? '', elements: [] };
        if (el[3]) se.loopId = el[3];
        tx.segmentErrors.push(se);
        break;
      case 'CTX': {
        const c = o.comp(el[1]);
        if (se && c[0] === 'CLM01' && c[1] !== undefined) se.claimRef = c[1];
        break;
      }
      case 'IK4': {
        if (!se) break;
        const c = o.comp(el[1]);
        const e: Ack999SegmentError['elements'][number] = { position: Number(c[0] ?? 0), code: el[3] ?? '' };
        if (c[1]) e.component = Number(c[1]);
        if (c[2]) e.repetition = Number(c[2]);
        if (el[2]) e.elementRef = el[2];
        if (el[4] !== undefined) e.badValue = el[4];
        se.elements.push(e);
        break;
      }
      case 'IK5':
        if (tx) {
          tx.status = (el[1] ?? 'R') as Ack999Transaction['status'];
          tx.codes = el.slice(2).filter((v) => v !== '');
        }
        se = undefined;
        break;
      case 'AK9':
        ack.status = (el[1] ?? 'R') as Ack999['status'];
        ack.included = Number(el[2] ?? 0);
        ack.received = Number(el[3] ?? 0);
        ack.accepted = Number(el[4] ?? 0);
        ack.groupErrors = el.slice(5).filter((v) => v !== '');
        break;
      default:
        break;
    }
  }
  return { value: ack, diagnostics: o.diagnostics };
}

// ---------------------------------------------------------------- 277CA

function readStc(o: Ctx, s: Segment): StcStatus {
  const c = o.comp(s.el[1]);
  const st: StcStatus = { category: c[0] ?? '', status: c[1] ?? '' };
  if (c[2]) st.entity = c[2];
  if (s.el[2]) st.date = fromD8(s.el[2]);
  if (s.el[3]) st.action = s.el[3];
  const amt = o.cents(s, 4, false);
  if (amt !== undefined) st.amountCents = amt;
  const more: NonNullable<StcStatus['more']> = [];
  for (const i of [10, 11]) {
    const m = s.el[i];
    if (m) {
      const mc = o.comp(m);
      const x: { category: string; status: string; entity?: string } = {
        category: mc[0] ?? '',
        status: mc[1] ?? '',
      };
      if (mc[2]) x.entity = mc[2];
      more.push(x);
    }
  }
  if (more.length) st.more = more;
  if (s.el[12]) st.message = s.el[12];
  return st;
}

/** A1 acknowledged/receipt and A2 accepted; A3 (returned), A4 (not found), A6-A8 (rejected) are not. */
const ACCEPTED_CATEGORIES = new Set(['A0', 'A1', 'A2', 'A5']);

export function read277CA(text: string): Read<Ack277CA> {
  const o = open(text, '277');
  if ('fail' in o) return { value: undefined, diagnostics: o.fail };
  const ack: Ack277CA = {
    reference: '',
    createdDate: '',
    source: { name: '' },
    receiver: { name: '' },
    batchStatuses: [],
    claims: [],
  };
  let level = '';
  let claim: ClaimAck277 | undefined;
  let provNpi: string | undefined;
  let provName: string | undefined;
  let inService = false;
  for (const s of o.segments) {
    const el = s.el;
    switch (el[0] ?? '') {
      case 'BHT':
        ack.reference = el[3] ?? '';
        ack.createdDate = fromD8(el[4] ?? '');
        break;
      case 'HL':
        level = el[3] ?? '';
        inService = false;
        if (level === 'PT') {
          claim = {
            patientControlNumber: '',
            statuses: [],
            accepted: false,
            patient: { lastName: '' },
            segment: s.n,
          };
          if (provNpi) claim.billingProviderNpi = provNpi;
          if (provName) claim.billingProviderName = provName;
          ack.claims.push(claim);
        } else claim = undefined;
        break;
      case 'NM1':
        if (level === '20') ack.source = { name: el[3] ?? '', ...(el[9] ? { id: el[9] } : {}) };
        else if (level === '21') ack.receiver = { name: el[3] ?? '', ...(el[9] ? { id: el[9] } : {}) };
        else if (level === '19') {
          provName = el[3] ?? '';
          provNpi = el[9] ?? '';
        } else if (claim) {
          claim.patient = { lastName: el[3] ?? '' };
          if (el[4]) claim.patient.firstName = el[4];
          if (el[9]) claim.patient.memberId = el[9];
        }
        break;
      case 'TRN':
        if (claim && el[1] === '2') claim.patientControlNumber = el[2] ?? '';
        break;
      case 'SVC':
        inService = true;
        break;
      case 'STC': {
        if (inService) break;
        const st = readStc(o, s);
        if (claim) claim.statuses.push(st);
        else if (level === '21') ack.batchStatuses.push(st);
        break;
      }
      case 'REF':
        if (claim && !inService) {
          if (el[1] === '1K') claim.payerClaimNumber = el[2] ?? '';
          else if (el[1] === 'D9') claim.clearinghouseTrace = el[2] ?? '';
        }
        break;
      case 'DTP':
        if (level === '20' && el[1] === '050') ack.receivedDate = fromD8(el[3] ?? '');
        else if (level === '20' && el[1] === '009') ack.processDate = fromD8(el[3] ?? '');
        else if (claim && !inService && el[1] === '472') {
          const v = el[3] ?? '';
          if (el[2] === 'RD8') {
            claim.serviceDate = fromD8(v.slice(0, 8));
            claim.serviceDateEnd = fromD8(v.slice(9, 17));
          } else claim.serviceDate = fromD8(v);
        }
        break;
      case 'QTY':
        if (level === '21' && el[1] === '90') ack.acceptedQuantity = Number(el[2]);
        else if (level === '21' && el[1] === 'AA') ack.rejectedQuantity = Number(el[2]);
        break;
      case 'AMT':
        if (level === '21' && el[1] === 'YU') ack.acceptedAmountCents = o.cents(s, 2);
        else if (level === '21' && el[1] === 'YY') ack.rejectedAmountCents = o.cents(s, 2);
        break;
      default:
        break;
    }
  }
  for (const c of ack.claims) {
    c.accepted = c.statuses.length > 0 && ACCEPTED_CATEGORIES.has(c.statuses[0]!.category);
    const amt = c.statuses[0]?.amountCents;
    if (amt !== undefined) c.totalChargeCents = amt;
    if (!c.patientControlNumber)
      o.diagnostics.push({
        code: 'X12_277_NO_TRN',
        message: 'patient level has no TRN*2 claim reference',
        severity: 'error',
        segment: 'HL',
        position: c.segment ?? 0,
      });
  }
  return { value: ack, diagnostics: o.diagnostics };
}

// ---------------------------------------------------------------- 835

const CAS_GROUPS = new Set(['CO', 'PR', 'OA', 'PI', 'CR']);

function readCas(o: Ctx, s: Segment, into: CasAdjustment[]) {
  const group = s.el[1] ?? '';
  if (!CAS_GROUPS.has(group))
    o.diagnostics.push(diag('X12_835_CAS_GROUP', `CAS01 '${group}' is not CO, PR, OA, PI or CR`, s, 1));
  // Up to six reason/amount/quantity triplets: CAS02-04, 05-07, ... 17-19.
  for (let i = 2; i <= 17; i += 3) {
    const reason = s.el[i];
    if (!reason) continue;
    const amt = o.cents(s, i + 1);
    const a: CasAdjustment = { group: group as CasGroup, reason, amountCents: amt ?? 0 };
    const q = s.el[i + 2];
    if (q) a.quantity = Number(q);
    into.push(a);
  }
}

function proc(o: Ctx, v: string | undefined): { qualifier: string; code: string; modifiers: string[] } {
  const c = o.comp(v);
  return { qualifier: c[0] ?? '', code: c[1] ?? '', modifiers: c.slice(2, 6).filter((m) => m !== '') };
}

export function read835(text: string): Read<Remit835> {
  const o = open(text, '835');
  if ('fail' in o) return { value: undefined, diagnostics: o.fail };
  const r: Remit835 = {
    payment: { handling: '', amountCents: 0, creditDebit: 'C', method: '', date: '' },
    trace: { number: '', originatorId: '' },
    payer: { name: '' },
    payee: { name: '' },
    claims: [],
    providerAdjustments: [],
  };
  let party: 'payer' | 'payee' | '' = '';
  let header: number | undefined;
  let claim: RemitClaim | undefined;
  let svc: RemitService | undefined;
  for (const s of o.segments) {
    const el = s.el;
    switch (el[0] ?? '') {
      case 'BPR':
        r.payment = {
          handling: el[1] ?? '',
          amountCents: o.cents(s, 2) ?? 0,
          creditDebit: el[3] ?? '',
          method: el[4] ?? '',
          date: fromD8(el[16] ?? ''),
        };
        break;
      case 'TRN':
        r.trace = { number: el[2] ?? '', originatorId: el[3] ?? '' };
        break;
      case 'DTM':
        if (svc) {
          if (el[1] === '472' || el[1] === '150') svc.date = fromD8(el[2] ?? '');
          else if (el[1] === '151') svc.dateEnd = fromD8(el[2] ?? '');
        } else if (claim) claim.dates.push({ qualifier: el[1] ?? '', date: fromD8(el[2] ?? '') });
        else if (el[1] === '405') r.productionDate = fromD8(el[2] ?? '');
        break;
      case 'N1':
        if (el[1] === 'PR') {
          party = 'payer';
          r.payer = { name: el[2] ?? '' };
          if (el[4]) r.payer.id = el[4];
        } else if (el[1] === 'PE') {
          party = 'payee';
          r.payee = { name: el[2] ?? '' };
          if (el[3] === 'XX' && el[4]) r.payee.npi = el[4];
          else if (el[3] === 'FI' && el[4]) r.payee.taxId = el[4];
        } else party = '';
        break;
      case 'N3':
      case 'N4': {
        const target = party === 'payer' ? r.payer : party === 'payee' ? r.payee : undefined;
        if (!target || claim) break;
        const a = (target.address ??= { line1: '', city: '', state: '', zip: '' });
        if (el[0] === 'N3') {
          a.line1 = el[1] ?? '';
          if (el[2]) a.line2 = el[2];
        } else {
          a.city = el[1] ?? '';
          a.state = el[2] ?? '';
          a.zip = el[3] ?? '';
        }
        break;
      }
      case 'PER':
        if (!claim && party === 'payer' && el[1] === 'BL') {
          const tc: NonNullable<Remit835['payer']['technicalContact']> = {};
          if (el[2]) tc.name = el[2];
          for (let i = 3; i + 1 < el.length; i += 2) {
            const v = el[i + 1] ?? '';
            if (el[i] === 'TE') tc.phone = v;
            else if (el[i] === 'EM') tc.email = v;
            else if (el[i] === 'UR') tc.url = v;
          }
          r.payer.technicalContact = tc;
        }
        break;
      case 'REF':
        if (svc) svc.refs.push({ qualifier: el[1] ?? '', value: el[2] ?? '' });
        else if (claim) claim.refs.push({ qualifier: el[1] ?? '', value: el[2] ?? '' });
        else if (party === 'payer' && el[1] === '2U') r.payer.id = el[2] ?? '';
        else if (party === 'payee' && el[1] === 'TJ') r.payee.taxId = el[2] ?? '';
        break;
      case 'LX':
        header = Number(el[1]);
        claim = undefined;
        svc = undefined;
        break;
      case 'CLP': {
        svc = undefined;
        claim = {
          patientControlNumber: el[1] ?? '',
          status: el[2] ?? '',
          chargeCents: o.cents(s, 3) ?? 0,
          paidCents: o.cents(s, 4) ?? 0,
          adjustments: [],
          refs: [],
          dates: [],
          amounts: [],
          remarks: [],
          services: [],
          segment: s.n,
        };
        const pr = o.cents(s, 5, false);
        if (pr !== undefined) claim.patientResponsibilityCents = pr;
        if (el[6]) claim.filingIndicator = el[6];
        if (el[7]) claim.payerClaimNumber = el[7];
        if (el[8]) claim.facilityType = el[8];
        if (el[9]) claim.frequency = el[9];
        if (header !== undefined) claim.header = header;
        if (!/^(1|2|3|4|19|20|21|22|23|25)$/.test(claim.status))
          o.diagnostics.push(
            diag('X12_835_CLP_STATUS', `CLP02 '${claim.status}' is not a claim status code`, s, 2),
          );
        r.claims.push(claim);
        break;
      }
      case 'CAS':
        if (svc) readCas(o, s, svc.adjustments);
        else if (claim) readCas(o, s, claim.adjustments);
        break;
      case 'NM1':
        if (claim && !svc) {
          const p: { lastName: string; firstName?: string; memberId?: string } = { lastName: el[3] ?? '' };
          if (el[4]) p.firstName = el[4];
          if (el[9]) p.memberId = el[9];
          if (el[1] === 'QC') claim.patient = p;
          else if (el[1] === 'IL') claim.insured = p;
          else if (el[1] === '74') claim.correctedInsured = p;
          else if (el[1] === '82' && el[9]) claim.renderingNpi = el[9];
        }
        break;
      case 'MOA':
        if (claim) claim.remarks.push(...el.slice(3, 8).filter((v) => v !== ''));
        break;
      case 'AMT':
        if (svc) svc.amounts.push({ qualifier: el[1] ?? '', cents: o.cents(s, 2) ?? 0 });
        else if (claim) claim.amounts.push({ qualifier: el[1] ?? '', cents: o.cents(s, 2) ?? 0 });
        break;
      case 'SVC': {
        if (!claim) break;
        const p = proc(o, el[1]);
        svc = {
          ...p,
          chargeCents: o.cents(s, 2) ?? 0,
          paidCents: o.cents(s, 3) ?? 0,
          adjustments: [],
          refs: [],
          amounts: [],
          remarks: [],
        };
        if (el[4]) svc.revenueCode = el[4];
        if (el[5]) svc.units = Number(el[5]);
        if (el[6]) svc.submitted = proc(o, el[6]);
        if (el[7]) svc.submittedUnits = Number(el[7]);
        claim.services.push(svc);
        break;
      }
      case 'LQ':
        if (svc && el[1] === 'HE' && el[2]) svc.remarks.push(el[2]);
        break;
      case 'PLB': {
        claim = undefined;
        svc = undefined;
        const plb: ProviderAdjustment = {
          providerId: el[1] ?? '',
          fiscalPeriodDate: fromD8(el[2] ?? ''),
          items: [],
        };
        // PLB03/04 .. PLB13/14: adjustment identifier composite (reason:reference) and amount pairs.
        for (let i = 3; i + 1 < el.length || i < el.length; i += 2) {
          if (!el[i]) continue;
          const c = o.comp(el[i]);
          const item: ProviderAdjustment['items'][number] = {
            reason: c[0] ?? '',
            amountCents: o.cents(s, i + 1) ?? 0,
          };
          if (c[1]) item.reference = c[1];
          plb.items.push(item);
        }
        r.providerAdjustments.push(plb);
        break;
      }
      default:
        break;
    }
  }
  return { value: r, diagnostics: o.diagnostics };
}

/** The billed line an SVC answers, even when the payer dropped a modifier: SVC06 if present, else SVC01. */
export function billedProcedure(s: RemitService): { qualifier: string; code: string; modifiers: string[] } {
  return s.submitted ?? { qualifier: s.qualifier, code: s.code, modifiers: s.modifiers };
}
