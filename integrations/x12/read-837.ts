// 837P/837D reader: the inverse of write837. Walks segments with a small state machine keyed on the
// loop-opening segments (HL by HL03, NM1 by NM101, CLM, LX) rather than a full loop map: the
// validator owns structure; this owns meaning. read837(write837(c, e)) gives back c and e.
import type {
  Address,
  Diagnostic,
  Claim,
  ClaimLine,
  Coverage,
  Patient,
  Person,
  Practitioner,
  Relationship,
  Sex,
} from '../../appliance/domain/types.js';
import { diag, readHeader, warn } from './header.js';
import { cut, SegCursor, tokenize, type Cuts } from './tokenize.js';
import type { Envelope837, Read, Read837Value } from './types.js';
import { fromD8, parseCents } from './values.js';
import { ORAL_CAVITY, VERSION_837D } from './write-837.js';

const REL: Record<string, Relationship> = { '01': 'spouse', '19': 'child', G8: 'other' };
const AREA: Record<string, string> = Object.fromEntries(Object.entries(ORAL_CAVITY).map(([k, v]) => [v, k]));

type Entity =
  'billing' | 'subscriber' | 'patient' | 'payer' | 'facility' | 'rendering' | 'referring' | 'other';

function emptyAddress(): Address {
  return { line1: '', city: '', state: '', zip: '' };
}

function sexOf(v: string | undefined): Sex {
  return v === 'M' || v === 'F' ? v : 'U';
}

export function read837(text: string): Read<Read837Value> {
  // ISA and GS sit in the first few hundred characters; the rest is scanned without keeping segments.
  const head = tokenize(text.slice(0, 4096));
  if (!head.separators) return { value: undefined, diagnostics: head.diagnostics };
  const sep = head.separators;
  const diagnostics: Diagnostic[] = [];
  const header = readHeader(head.segments, sep);
  if (!header) return { value: undefined, diagnostics: head.diagnostics };
  const dental = header.version === VERSION_837D;

  const g = header;
  const env: Envelope837 = {
    senderId: g.senderId,
    receiverId: g.receiverId,
    isaControl: Number(g.controlNumber),
    gsControl: Number(g.gsControl),
    stStart: 0,
    testMode: g.testMode,
    now: new Date(
      Date.UTC(
        Number(g.gsDate.slice(0, 4)),
        Number(g.gsDate.slice(4, 6)) - 1,
        Number(g.gsDate.slice(6, 8)),
        Number(g.gsTime.slice(0, 2)),
        Number(g.gsTime.slice(2, 4)),
      ),
    ),
    separators: sep,
    receiverName: '',
    submitterName: '',
    submitterContact: { name: '' },
  };
  if (g.senderQualifier !== 'ZZ') env.senderQualifier = g.senderQualifier;
  if (g.receiverQualifier !== 'ZZ') env.receiverQualifier = g.receiverQualifier;

  const st: State837 = {
    dental,
    component: sep.component,
    env,
    claims: [],
    diagnostics,
    // Every field from the start, so the state keeps one hidden class for the whole walk.
    billing: undefined,
    subscriber: undefined,
    coverage: undefined,
    patient: undefined,
    claim: undefined,
    line: undefined,
    entity: 'other',
    address: undefined,
    stCount: 0,
    claimsInFirstSt: 0,
    claimDate: undefined,
    billingTaxonomy: undefined,
    otherPayer: false,
  };
  // Each segment is split as it is reached and dropped after `step`. The state is an object and `step` a
  // module function: closures made per call deoptimized the loop on every call (a new call target each time).
  const cuts = cut(text);
  const element = cuts.separators?.element ?? sep.element;
  steps(st, cuts, element);
  diagnostics.unshift(...cuts.diagnostics);
  finishClaim(st);
  const claims = st.claims;
  if (st.stCount > 1) env.claimsPerSt = st.claimsInFirstSt;
  if (claims.length === 0) diagnostics.push(warn('X12_837_NO_CLAIMS', 'no CLM segments found', undefined));
  return { value: { kind: dental ? 'dental' : 'medical', envelope: env, claims }, diagnostics };
}

/** What read837 knows so far while it walks the segments. */
interface State837 {
  dental: boolean;
  component: string;
  env: Envelope837;
  claims: Claim[];
  diagnostics: Diagnostic[];
  billing?: Claim['billing'];
  subscriber?: Person;
  coverage?: Coverage;
  patient?: Patient;
  claim?: Claim;
  line?: ClaimLine;
  entity: Entity;
  address?: Address;
  stCount: number;
  claimsInFirstSt: number;
  claimDate?: string;
  billingTaxonomy?: string;
  /** Inside a claim's 2320/2330 loops (other payers), until 2400 or the next claim. */
  otherPayer: boolean;
}

function person(s: SegCursor): Person {
  const p: Person = { lastName: s.get(3), firstName: s.get(4), dob: '', sex: 'U' };
  const middle = s.at(5);
  if (middle) p.middleName = middle;
  return p;
}

/** A fresh Person made a Patient: `{ ...p, mrn: '' }` without the copy. */
function withMrn(p: Person): Patient {
  const patient = p as Patient;
  patient.mrn = '';
  return patient;
}

/**
 * `{ ...p, mrn: '' }` for a Person made by `person` (keys in the order it and N3/N4 add them). Spreading
 * objects of several shapes sent V8's object-clone cache megamorphic: a runtime call per claim.
 */
function copyPerson(p: Person): Patient {
  const c = { lastName: p.lastName, firstName: p.firstName, dob: p.dob, sex: p.sex } as Patient;
  if (p.middleName !== undefined) c.middleName = p.middleName;
  if (p.address !== undefined) c.address = p.address;
  c.mrn = '';
  return c;
}

/** `{ ...c }` of st.coverage, keeping its key order (it depends on whether SBR or NM1*IL came first). */
function copyCoverage(c: Coverage): Coverage {
  return Object.assign({}, c);
}

function practitioner(s: SegCursor): Practitioner {
  const p: Practitioner = { npi: s.get(9), lastName: s.get(3) };
  const first = s.at(4);
  if (s.at(2) === '1' && first) p.firstName = first;
  return p;
}

function finishClaim(st: State837) {
  if (st.claim) {
    if (st.claim.rendering.npi === '' && st.billing)
      st.claim.rendering = { npi: st.billing.npi, lastName: st.billing.name };
    st.claims.push(st.claim);
  }
  st.claim = undefined;
  st.line = undefined;
}

function steps(st: State837, cuts: Cuts, element: string) {
  // One cursor for the whole text: a segment's elements are sliced only where `step` reads them.
  const s = new SegCursor(cuts, element);
  for (let i = 0; i < cuts.count; i++) step(st, s.moveTo(i));
}

function step(st: State837, s: SegCursor) {
  if (st.otherPayer) {
    // 2320/2330A-G describe another payer of this claim (its subscriber, payer, providers): none of
    // it belongs to the 2000B/2010x state or to this claim's own providers. They end at 2400 (LX).
    if (s.id !== 'LX' && s.id !== 'CLM' && s.id !== 'HL' && s.id !== 'SE') return;
    st.otherPayer = false;
  }
  switch (s.id) {
    case 'ST':
      st.stCount++;
      if (st.stCount === 1) st.env.stStart = Number(s.at(2));
      break;
    case 'SE':
      finishClaim(st);
      if (st.stCount === 1) st.claimsInFirstSt = st.claims.length;
      break;
    case 'HL': {
      finishClaim(st);
      const level = s.at(3);
      if (level === '20') {
        st.billing = {
          name: '',
          npi: '',
          taxId: '',
          address: emptyAddress(),
          contactName: '',
          contactPhone: '',
        };
        st.billingTaxonomy = undefined;
        st.entity = 'other';
      } else if (level === '22') {
        st.subscriber = undefined;
        st.coverage = undefined;
        st.patient = undefined;
        st.entity = 'other';
      } else if (level === '23') {
        st.patient = undefined;
        st.entity = 'other';
      }
      break;
    }
    case 'PRV':
      if (s.at(1) === 'BI') st.billingTaxonomy = s.at(3);
      else if (st.claim && !st.line && s.at(1) === 'PE') st.claim.rendering.taxonomy = s.at(3);
      else if (st.claim && s.at(1) === 'RF' && st.claim.referring) st.claim.referring.taxonomy = s.at(3);
      break;
    case 'NM1': {
      const code = s.at(1);
      st.address = undefined;
      if (code === '41') {
        st.env.submitterName = s.get(3);
        st.entity = 'other';
      } else if (code === '40') {
        st.env.receiverName = s.get(3);
        st.entity = 'other';
      } else if (code === '85' && st.billing) {
        st.billing.name = s.get(3);
        st.billing.npi = s.get(9);
        if (st.billingTaxonomy) st.billing.taxonomy = st.billingTaxonomy;
        st.entity = 'billing';
      } else if (code === 'IL') {
        st.subscriber = person(s);
        // st.coverage is never handed out (each claim gets a copy), so it is filled in place.
        if (st.coverage) st.coverage.memberId = s.get(9);
        else st.coverage = { order: 1, payerId: '', payerName: '', relationship: 'self', memberId: s.get(9) };
        st.entity = 'subscriber';
      } else if (code === 'PR' && st.coverage) {
        st.coverage.payerName = s.get(3);
        st.coverage.payerId = s.get(9);
        st.entity = 'payer';
      } else if (code === 'QC') {
        st.patient = withMrn(person(s));
        st.entity = 'patient';
      } else if (st.claim && !st.line && code === '82') {
        // 2310x only: 2420x st.line-level providers have no place in the st.claim-level model.
        st.claim.rendering = practitioner(s);
        st.entity = 'rendering';
      } else if (st.claim && !st.line && code === 'DN') {
        st.claim.referring = practitioner(s);
        st.entity = 'referring';
      } else if (st.claim && !st.line && code === '77') {
        st.claim.facility = { name: s.get(3), address: emptyAddress() };
        const npi = s.at(9);
        if (npi) st.claim.facility.npi = npi;
        st.entity = 'facility';
      } else st.entity = 'other';
      break;
    }
    case 'N3':
    case 'N4': {
      const target =
        st.entity === 'billing'
          ? st.billing?.address
          : st.entity === 'subscriber'
            ? st.subscriber && (st.subscriber.address ??= emptyAddress())
            : st.entity === 'patient'
              ? st.patient && (st.patient.address ??= emptyAddress())
              : st.entity === 'facility'
                ? st.claim?.facility?.address
                : undefined;
      if (target) {
        st.address = target;
        if (s.id === 'N3') {
          st.address.line1 = s.get(1);
          const line2 = s.at(2);
          if (line2) st.address.line2 = line2;
        } else {
          st.address.city = s.get(1);
          st.address.state = s.get(2);
          st.address.zip = s.get(3);
        }
      }
      break;
    }
    case 'REF':
      if (s.at(1) === 'EI' && st.billing && !st.claim) st.billing.taxId = s.get(2);
      else if (st.claim && !st.line && s.at(1) === 'G1') st.claim.priorAuthorization = s.get(2);
      else if (st.claim && s.at(1) === 'F8') st.claim.originalClaimNumber = s.get(2);
      else if (st.claim && s.at(1) === 'EA') st.claim.patient.mrn = s.get(2);
      break;
    case 'PER':
      if (st.entity === 'billing' && st.billing) {
        st.billing.contactName = s.get(2);
        st.billing.contactPhone = s.at(3) === 'TE' ? s.get(4) : '';
      } else if (!st.billing) {
        st.env.submitterContact = { name: s.get(2) };
        for (let i = 3; i + 1 < s.count + 1; i += 2) {
          if (s.at(i) === 'TE') st.env.submitterContact.phone = s.get(i + 1);
          else if (s.at(i) === 'EM') st.env.submitterContact.email = s.get(i + 1);
        }
      }
      break;
    case 'SBR':
      if (st.claim) {
        st.otherPayer = true; // 2320 other subscriber information
        break;
      }
      if (st.coverage) {
        st.coverage.order = s.at(1) === 'S' ? 2 : s.at(1) === 'T' ? 3 : 1;
        if (s.at(3)) st.coverage.groupNumber = s.at(3);
        if (s.at(9)) st.coverage.filingIndicator = s.at(9);
      } else {
        // SBR comes before NM1*IL: hold its facts on a provisional st.coverage.
        st.coverage = {
          order: s.at(1) === 'S' ? 2 : s.at(1) === 'T' ? 3 : 1,
          payerId: '',
          payerName: '',
          memberId: '',
          relationship: 'self',
        };
        if (s.at(3)) st.coverage.groupNumber = s.at(3);
        if (s.at(9)) st.coverage.filingIndicator = s.at(9);
      }
      break;
    case 'PAT':
      if (st.coverage) st.coverage.relationship = REL[s.get(1)] ?? 'other';
      break;
    case 'DMG': {
      const who =
        st.entity === 'subscriber' ? st.subscriber : st.entity === 'patient' ? st.patient : undefined;
      if (who) {
        who.dob = fromD8(s.get(2));
        who.sex = sexOf(s.at(3));
      }
      break;
    }
    case 'CLM': {
      finishClaim(st);
      if (!st.billing || !st.coverage || !st.subscriber) {
        st.diagnostics.push(
          diag('X12_837_ORPHAN_CLM', 'CLM outside a billing/subscriber hierarchy', s.segment()),
        );
        break;
      }
      const c5 = s.parts(5, st.component);
      const total = parseCents(s.get(2));
      if (total === undefined)
        st.diagnostics.push(diag('X12_BAD_AMOUNT', `CLM02 '${s.get(2)}' is not an amount`, s.segment(), 2));
      const self = !st.patient;
      const pat: Patient = self ? copyPerson(st.subscriber) : st.patient!;
      const cov: Coverage = copyCoverage(st.coverage);
      if (self) cov.relationship = 'self';
      else if (cov.relationship !== 'self') cov.subscriber = st.subscriber;
      st.claim = {
        kind: st.dental ? 'dental' : 'medical',
        patientControlNumber: s.get(1),
        frequency: (c5[2] ?? '1') as Claim['frequency'],
        billing: st.billing,
        rendering: { npi: '', lastName: '' },
        patient: pat,
        coverage: cov,
        placeOfService: c5[0] ?? '',
        diagnoses: [],
        lines: [],
        totalChargeCents: total ?? 0,
      };
      st.claimDate = undefined;
      st.entity = 'other';
      break;
    }
    case 'HI':
      if (st.claim) {
        for (let i = 1; i < s.count + 1; i++) {
          const [q, code] = s.parts(i, st.component);
          if (q === 'ABK' || q === 'ABF' || q === 'BK' || q === 'BF') st.claim.diagnoses.push(code ?? '');
        }
      }
      break;
    case 'LX':
      if (st.claim) {
        st.line = {
          lineNumber: Number(s.at(1)),
          code: '',
          modifiers: [],
          units: 0,
          chargeCents: 0,
          diagnosisPointers: [],
          dateOfService: st.claimDate ?? '',
        };
        st.claim.lines.push(st.line);
      }
      break;
    case 'SV1':
    case 'SV3':
      if (st.line) {
        const proc = s.parts(1, st.component);
        st.line.code = proc[1] ?? '';
        st.line.modifiers = proc.slice(2, 6).filter((m) => m !== '');
        const amt = parseCents(s.get(2));
        if (amt === undefined)
          st.diagnostics.push(diag('X12_BAD_AMOUNT', `${s.id}02 is not an amount`, s.segment(), 2));
        st.line.chargeCents = amt ?? 0;
        const units = s.id === 'SV1' ? s.at(4) : s.at(6);
        st.line.units = units ? Number(units) : 1;
        const ptr = s.id === 'SV1' ? 7 : 11;
        st.line.diagnosisPointers = s.len(ptr) > 0 ? s.parts(ptr, st.component).map(Number) : [];
        if (s.id === 'SV3' && s.at(4)) {
          // SV304 (C006) holds up to five oral cavity designations: the first is the line's area,
          // and all of them are kept when there are more.
          const areas = s.parts(4, st.component).map((a) => AREA[a] ?? a);
          st.line.area = areas[0] ?? '';
          if (areas.length > 1) st.line.areas = areas;
        }
      }
      break;
    case 'TOO':
      if (st.line) {
        st.line.tooth = s.get(2);
        if (s.at(3)) st.line.surfaces = s.parts(3, st.component).join('');
      }
      break;
    case 'DTP':
      if (s.at(1) === '472') {
        const v = s.at(2) === 'RD8' ? s.get(3).slice(0, 8) : s.get(3);
        if (st.line) st.line.dateOfService = fromD8(v);
        else if (st.claim) st.claimDate = fromD8(v);
      }
      break;
    default:
      break;
  }
}
