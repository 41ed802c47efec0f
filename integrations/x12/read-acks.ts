// Readers for the clearinghouse's answers: 999, 277CA, 835 and TA1. A file is cut into its
// transaction sets (ST…SE) first and each set is read on its own, with its envelope's control
// numbers: one 999 set acknowledges one group (X231A1), one 835 set is one payment (X221A1). Each
// set is walked once with a small state machine keyed on loop-opening segments; amounts are parsed
// exactly into cents.
import type { Diagnostic } from '../../appliance/domain/types.js';
import { diag, warn } from './header.js';
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

/**
 * Where a transaction set sat in its file: ISA13, GS06 and ST02 tie a reading back to the bytes
 * (a clearinghouse batches many sets per group, many groups per interchange, many interchanges per
 * mailbox file).
 */
export interface SetControl {
  /** ISA13 of the enclosing interchange. */
  interchange: string;
  /** GS06 of the enclosing functional group. */
  group: string;
  /** ST02. */
  set: string;
  /** Segment number of the ST. */
  segment: number;
}

/** One ST…SE of a file with its envelope's control numbers. */
interface SetSlice {
  control: SetControl;
  setId: string;
  segments: Segment[];
}

/** Cut a file into its transaction sets; a set left without SE ends at its GE, IEA or next ST. */
function slices(segments: Segment[]): SetSlice[] {
  const out: SetSlice[] = [];
  let isa = '';
  let gs = '';
  let cur: SetSlice | undefined;
  for (const s of segments) {
    switch (s.el[0] ?? '') {
      case 'ISA':
        isa = s.el[13] ?? '';
        gs = '';
        cur = undefined;
        break;
      case 'GS':
        gs = s.el[6] ?? '';
        cur = undefined;
        break;
      case 'ST':
        cur = {
          control: { interchange: isa, group: gs, set: s.el[2] ?? '', segment: s.n },
          setId: s.el[1] ?? '',
          segments: [s],
        };
        out.push(cur);
        break;
      case 'SE':
        cur?.segments.push(s);
        cur = undefined;
        break;
      case 'GE':
      case 'IEA':
      case 'TA1':
        cur = undefined;
        break;
      default:
        cur?.segments.push(s);
    }
  }
  return out;
}

interface Ctx {
  sep: Separators;
  diagnostics: Diagnostic[];
  comp(v: string | undefined): string[];
  cents(s: Segment, i: number, required?: boolean): number | undefined;
}

type Opened = { ctx: Ctx; sets: SetSlice[] } | { fail: Diagnostic[] };

/** Tokenize once and keep the transaction sets of one kind; any other kind in the file is an error. */
function open(text: string, setId: string): Opened {
  const tk = tokenize(text);
  const diagnostics = [...tk.diagnostics];
  if (!tk.separators) return { fail: diagnostics };
  const sep = tk.separators;
  const all = slices(tk.segments);
  const sets = all.filter((x) => x.setId === setId);
  if (sets.length === 0) {
    const st = tk.segments.find((s) => s.el[0] === 'ST');
    diagnostics.push(
      diag('X12_WRONG_SET', `expected an ${setId} transaction set, found '${st?.el[1] ?? 'none'}'`, st, 1),
    );
    return { fail: diagnostics };
  }
  for (const other of all.filter((x) => x.setId !== setId))
    diagnostics.push(
      diag(
        'X12_OTHER_SET',
        `transaction set ${other.control.set} is a ${other.setId}, not a ${setId}: it was not read`,
        other.segments[0],
        1,
      ),
    );
  const ctx: Ctx = {
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
  return { ctx, sets };
}

/** Identifier with its qualifier (NM108/NM109): only qualifier XX makes it an NPI. */
export interface QualifiedId {
  qualifier: string;
  id: string;
}

// ---------------------------------------------------------------- 999

/** One 999 transaction set: it acknowledges one functional group (AK102 = that group's GS06). */
export interface Ack999Read extends Ack999 {
  control: SetControl;
}

/** Read every 999 transaction set of a file, each on its own (X231A1: one set per acknowledged group). */
export function read999(text: string): Read<Ack999Read[]> {
  const o = open(text, '999');
  if ('fail' in o) return { value: undefined, diagnostics: o.fail };
  return { value: o.sets.map((set) => read999Set(o.ctx, set)), diagnostics: o.ctx.diagnostics };
}

function read999Set(o: Ctx, set: SetSlice): Ack999Read {
  const ack: Ack999Read = {
    functionalId: '',
    groupControlNumber: '',
    transactions: [],
    status: 'R',
    included: 0,
    received: 0,
    accepted: 0,
    groupErrors: [],
    control: set.control,
  };
  let tx: Ack999Transaction | undefined;
  let se: Ack999SegmentError | undefined;
  let ak9 = false;
  for (const s of set.segments) {
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
        ak9 = true;
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
  if (!ak9)
    o.diagnostics.push(
      diag('X12_999_NO_AK9', `999 set ${set.control.set} has no AK9 group response`, set.segments[0]),
    );
  return ack;
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

/** A 2220D service line of a 277CA claim: the line's own status (X214 STC required in the loop). */
export interface ServiceAck277 {
  /** SVC01 procedure (qualifier, code, modifiers). */
  procedure: { qualifier: string; code: string; modifiers: string[] };
  /** SVC02 line charge. */
  chargeCents?: number;
  /** SVC04 revenue code, SVC07 units. */
  revenueCode?: string;
  units?: number;
  /** REF*FJ: our 2400 REF*6R line item control number echoed back. */
  lineControl?: string;
  serviceDate?: string;
  serviceDateEnd?: string;
  statuses: StcStatus[];
  segment: number;
}

export interface ClaimAck277Read extends ClaimAck277 {
  /** 2100C NM1*85 NM108/NM109 of the provider level this claim sat under (billingProviderNpi only when XX). */
  billingProvider?: QualifiedId;
  lines: ServiceAck277[];
}

/** A 2000C provider level and its 2200C status (X214: a rejection here ends the hierarchy for that provider). */
export interface ProviderAck277 {
  name: string;
  /** NM108/NM109: XX NPI, FI tax id, SV service provider number. */
  provider: QualifiedId;
  /** 2200C TRN02 provider of service trace identifier. */
  trace?: string;
  statuses: StcStatus[];
  segment: number;
}

export interface Ack277CARead extends Ack277CA {
  control: SetControl;
  providers: ProviderAck277[];
  claims: ClaimAck277Read[];
}

/** Read every 277 transaction set of a file, each on its own. */
export function read277CA(text: string): Read<Ack277CARead[]> {
  const o = open(text, '277');
  if ('fail' in o) return { value: undefined, diagnostics: o.fail };
  return { value: o.sets.map((set) => read277Set(o.ctx, set)), diagnostics: o.ctx.diagnostics };
}

/** DTP*472 D8 or RD8 as [from, to?]; a malformed one is a warning (X214 DTP03 is a date or range). */
function dtp472(o: Ctx, s: Segment): [string, string | undefined] | undefined {
  const q = s.el[2] ?? '';
  const v = s.el[3] ?? '';
  if (q === 'D8' && /^\d{8}$/.test(v)) return [fromD8(v), undefined];
  if (q === 'RD8' && /^\d{8}-\d{8}$/.test(v)) return [fromD8(v.slice(0, 8)), fromD8(v.slice(9, 17))];
  if (q === 'RD8' && /^\d{8}$/.test(v)) {
    o.diagnostics.push(warn('X12_277_DTP', `DTP*472 RD8 '${v}' is a single date, not a range`, s, 3));
    return [fromD8(v), undefined];
  }
  if (/^\d{8}$/.test(q) && !v) {
    o.diagnostics.push(
      warn('X12_277_DTP', `DTP*472 has no date format qualifier (D8/RD8) before '${q}'`, s, 2),
    );
    return [fromD8(q), undefined];
  }
  o.diagnostics.push(warn('X12_277_DTP', `DTP*472 '${q}*${v}' is not a D8 date or RD8 range`, s, 3));
  return undefined;
}

function read277Set(o: Ctx, set: SetSlice): Ack277CARead {
  const ack: Ack277CARead = {
    reference: '',
    createdDate: '',
    source: { name: '' },
    receiver: { name: '' },
    batchStatuses: [],
    claims: [],
    providers: [],
    control: set.control,
  };
  let level = '';
  let claim: ClaimAck277Read | undefined;
  let prov: ProviderAck277 | undefined;
  let line: ServiceAck277 | undefined;
  for (const s of set.segments) {
    const el = s.el;
    switch (el[0] ?? '') {
      case 'BHT':
        ack.reference = el[3] ?? '';
        ack.createdDate = fromD8(el[4] ?? '');
        break;
      case 'HL':
        level = el[3] ?? '';
        line = undefined;
        if (level === 'PT') {
          claim = {
            patientControlNumber: '',
            statuses: [],
            accepted: false,
            patient: { lastName: '' },
            segment: s.n,
            lines: [],
          };
          if (prov) {
            claim.billingProvider = prov.provider;
            if (prov.provider.qualifier === 'XX') claim.billingProviderNpi = prov.provider.id;
            claim.billingProviderName = prov.name;
          }
          ack.claims.push(claim);
        } else {
          claim = undefined;
          if (level === '19') {
            prov = { name: '', provider: { qualifier: '', id: '' }, statuses: [], segment: s.n };
            ack.providers.push(prov);
          } else prov = undefined;
        }
        break;
      case 'NM1':
        if (level === '20') ack.source = { name: el[3] ?? '', ...(el[9] ? { id: el[9] } : {}) };
        else if (level === '21') ack.receiver = { name: el[3] ?? '', ...(el[9] ? { id: el[9] } : {}) };
        else if (level === '19' && prov) {
          prov.name = [el[3], el[4]].filter(Boolean).join(', ');
          prov.provider = { qualifier: el[8] ?? '', id: el[9] ?? '' };
        } else if (claim) {
          claim.patient = { lastName: el[3] ?? '' };
          if (el[4]) claim.patient.firstName = el[4];
          if (el[9]) claim.patient.memberId = el[9];
        }
        break;
      case 'TRN':
        if (claim) {
          if (el[1] === '2') claim.patientControlNumber = el[2] ?? '';
        } else if (level === '19' && prov) prov.trace = el[2] ?? '';
        else if (level === '21' && el[1] === '2') ack.batchReference = el[2] ?? '';
        break;
      case 'SVC':
        if (!claim) break;
        line = { procedure: proc(o, el[1]), statuses: [], segment: s.n };
        {
          const charge = o.cents(s, 2, false);
          if (charge !== undefined) line.chargeCents = charge;
        }
        if (el[4]) line.revenueCode = el[4];
        if (el[7]) line.units = Number(el[7]);
        claim.lines.push(line);
        break;
      case 'STC': {
        const st = readStc(o, s);
        if (line) line.statuses.push(st);
        else if (claim) claim.statuses.push(st);
        else if (level === '19' && prov) prov.statuses.push(st);
        else if (level === '21') ack.batchStatuses.push(st);
        else o.diagnostics.push(warn('X12_277_STC_LEVEL', `STC at HL level '${level}' was not read`, s));
        break;
      }
      case 'REF':
        if (line) {
          if (el[1] === 'FJ') line.lineControl = el[2] ?? '';
        } else if (claim) {
          if (el[1] === '1K') claim.payerClaimNumber = el[2] ?? '';
          else if (el[1] === 'D9') claim.clearinghouseTrace = el[2] ?? '';
        }
        break;
      case 'DTP':
        if (level === '20' && el[1] === '050') ack.receivedDate = fromD8(el[3] ?? '');
        else if (level === '20' && el[1] === '009') ack.processDate = fromD8(el[3] ?? '');
        else if ((line ?? claim) && el[1] === '472') {
          const d = dtp472(o, s);
          const into = line ?? claim!;
          if (d) {
            into.serviceDate = d[0];
            if (d[1] !== undefined) into.serviceDateEnd = d[1];
          }
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
  return ack;
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

export interface RemitClaimRead extends RemitClaim {
  /** 2100 NM1*82 rendering provider NM108/NM109 (renderingNpi only when NM108 is XX). */
  rendering?: QualifiedId;
}

/** One 835 transaction set: one payment (X221A1: BPR/TRN and loops 1000A/1000B belong to their ST…SE). */
export interface Remit835Read extends Remit835 {
  control: SetControl;
  claims: RemitClaimRead[];
}

/** Read every 835 transaction set of a file, each on its own: each is its own check or EFT. */
export function read835(text: string): Read<Remit835Read[]> {
  const o = open(text, '835');
  if ('fail' in o) return { value: undefined, diagnostics: o.fail };
  return { value: o.sets.map((set) => read835Set(o.ctx, set)), diagnostics: o.ctx.diagnostics };
}

function read835Set(o: Ctx, set: SetSlice): Remit835Read {
  const r: Remit835Read = {
    payment: { handling: '', amountCents: 0, creditDebit: 'C', method: '', date: '' },
    trace: { number: '', originatorId: '' },
    payer: { name: '' },
    payee: { name: '' },
    claims: [],
    providerAdjustments: [],
    control: set.control,
  };
  let party: 'payer' | 'payee' | '' = '';
  let header: number | undefined;
  let claim: RemitClaimRead | undefined;
  let svc: RemitService | undefined;
  for (const s of set.segments) {
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
          if (!a.line1)
            o.diagnostics.push(warn('X12_835_NO_N3', `${party} address has N4 but no N3 street`, s));
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
          else if (el[1] === '82' && el[9]) {
            // X221A1 2100 NM108: BD, BS, FI, MC, PC or XX; only XX is an NPI.
            claim.rendering = { qualifier: el[8] ?? '', id: el[9] };
            if (el[8] === 'XX') claim.renderingNpi = el[9];
          }
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
        if (!p.code)
          o.diagnostics.push(
            warn(
              'X12_835_SVC_CODE',
              `SVC01 '${el[1] ?? ''}' has no procedure code (component separator is '${o.sep.component}'): the line cannot be matched`,
              s,
              1,
            ),
          );
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
  return r;
}

// ---------------------------------------------------------------- TA1

/** X12 I18 interchange note codes (TA105). */
export const TA1_NOTE_TEXT: Record<string, string> = {
  '000': 'No error',
  '001': 'The interchange control number in the header and trailer do not match',
  '002': 'This standard as noted in the control standards identifier is not supported',
  '003': 'This version of the controls is not supported',
  '004': 'The segment terminator is invalid',
  '005': 'Invalid interchange ID qualifier for sender',
  '006': 'Invalid interchange sender ID',
  '007': 'Invalid interchange ID qualifier for receiver',
  '008': 'Invalid interchange receiver ID',
  '009': 'Unknown interchange receiver ID',
  '010': 'Invalid authorization information qualifier value',
  '011': 'Invalid authorization information value',
  '012': 'Invalid security information qualifier value',
  '013': 'Invalid security information value',
  '014': 'Invalid interchange date value',
  '015': 'Invalid interchange time value',
  '016': 'Invalid interchange standards identifier value',
  '017': 'Invalid interchange version ID value',
  '018': 'Invalid interchange control number value',
  '019': 'Invalid acknowledgment requested value',
  '020': 'Invalid test indicator value',
  '021': 'Invalid number of included groups value',
  '022': 'Invalid control structure',
  '023': 'Improper (premature) end-of-file (transmission)',
  '024': 'Invalid interchange content (e.g., invalid GS segment)',
  '025': 'Duplicate interchange control number',
  '026': 'Invalid data element separator',
  '027': 'Invalid component element separator',
  '028': 'Invalid delivery date in deferred delivery request',
  '029': 'Invalid delivery time in deferred delivery request',
  '030': 'Invalid delivery time code in deferred delivery request',
  '031': 'Invalid grade of service code',
  '032': 'Invalid repetition separator',
  '033': 'Unexpected interchange syntax extension (ISX) segment',
  '034': 'Invalid release character',
  '035': 'Invalid character encoding value',
  '036': 'Invalid overriding X12 version/release/subrelease code',
  '037': 'Unknown industry identifier',
  '038': 'Overriding X12 version/release/subrelease code is not supported',
};

/** A TA1 interchange acknowledgment: the envelope of one of our interchanges, accepted or not. */
export interface InterchangeAck {
  /** TA101: the ISA13 of the interchange acknowledged (ours). */
  controlNumber: string;
  /** TA102 'YYMMDD' and TA103 'HHMM' of that interchange. */
  date: string;
  time: string;
  /** TA104: A accepted, E accepted with errors noted, R rejected. */
  status: 'A' | 'E' | 'R';
  /** TA105 interchange note code and its X12 I18 text. */
  noteCode: string;
  noteText: string;
  /** ISA13 of the interchange that carries this TA1. */
  interchange: string;
  segment: number;
}

/**
 * Read every TA1 of a file. A TA1 sits between ISA and IEA (alone, with IEA01 = 0 groups, or before
 * the groups of an interchange that also carries 999s).
 */
export function readTA1(text: string): Read<InterchangeAck[]> {
  const tk = tokenize(text);
  const diagnostics = [...tk.diagnostics];
  if (!tk.separators) return { value: undefined, diagnostics };
  const acks: InterchangeAck[] = [];
  let isa = '';
  for (const s of tk.segments) {
    const el = s.el;
    if (el[0] === 'ISA') isa = el[13] ?? '';
    if (el[0] !== 'TA1') continue;
    const status = el[4] ?? '';
    if (status !== 'A' && status !== 'E' && status !== 'R') {
      diagnostics.push(diag('X12_TA1_STATUS', `TA104 '${status}' is not A, E or R`, s, 4));
      continue;
    }
    const noteCode = el[5] ?? '';
    const noteText = TA1_NOTE_TEXT[noteCode];
    if (noteText === undefined)
      diagnostics.push(warn('X12_TA1_NOTE', `TA105 '${noteCode}' is not an interchange note code`, s, 5));
    acks.push({
      controlNumber: el[1] ?? '',
      date: el[2] ?? '',
      time: el[3] ?? '',
      status,
      noteCode,
      noteText: noteText ?? `note code ${noteCode}`,
      interchange: isa,
      segment: s.n,
    });
  }
  if (acks.length === 0) {
    diagnostics.push(diag('X12_NO_TA1', 'no TA1 interchange acknowledgment in the file', undefined));
    return { value: undefined, diagnostics };
  }
  return { value: acks, diagnostics };
}

/** The billed line an SVC answers, even when the payer dropped a modifier: SVC06 if present, else SVC01. */
export function billedProcedure(s: RemitService): { qualifier: string; code: string; modifiers: string[] } {
  return s.submitted ?? { qualifier: s.qualifier, code: s.code, modifiers: s.modifiers };
}
