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
import { cut, segmentAt, tokenize } from './tokenize.js';
import type { Envelope837, Read, Read837Value, Segment } from './types.js';
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
  const comp = (v: string | undefined) => (v ?? '').split(sep.component);

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

  const claims: Claim[] = [];
  let billing: Claim['billing'] | undefined;
  let subscriber: Person | undefined;
  let coverage: Coverage | undefined;
  let patient: Patient | undefined;
  let claim: Claim | undefined;
  let line: ClaimLine | undefined;
  let entity: Entity = 'other';
  let address: Address | undefined;
  let stCount = 0;
  let claimsInFirstSt = 0;
  let claimDate: string | undefined;
  let billingTaxonomy: string | undefined;

  const person = (s: Segment): Person => {
    const p: Person = { lastName: s.el[3] ?? '', firstName: s.el[4] ?? '', dob: '', sex: 'U' };
    if (s.el[5]) p.middleName = s.el[5];
    return p;
  };
  const practitioner = (s: Segment): Practitioner => {
    const p: Practitioner = { npi: s.el[9] ?? '', lastName: s.el[3] ?? '' };
    if (s.el[2] === '1' && s.el[4]) p.firstName = s.el[4];
    return p;
  };
  const finishClaim = () => {
    if (claim) {
      if (claim.rendering.npi === '' && billing)
        claim.rendering = { npi: billing.npi, lastName: billing.name };
      claims.push(claim);
    }
    claim = undefined;
    line = undefined;
  };

  const step = (s: Segment) => {
    const el = s.el;
    switch (el[0] ?? '') {
      case 'ST':
        stCount++;
        if (stCount === 1) env.stStart = Number(el[2]);
        break;
      case 'SE':
        finishClaim();
        if (stCount === 1) claimsInFirstSt = claims.length;
        break;
      case 'HL': {
        finishClaim();
        const level = el[3];
        if (level === '20') {
          billing = {
            name: '',
            npi: '',
            taxId: '',
            address: emptyAddress(),
            contactName: '',
            contactPhone: '',
          };
          billingTaxonomy = undefined;
          entity = 'other';
        } else if (level === '22') {
          subscriber = undefined;
          coverage = undefined;
          patient = undefined;
          entity = 'other';
        } else if (level === '23') {
          patient = undefined;
          entity = 'other';
        }
        break;
      }
      case 'PRV':
        if (el[1] === 'BI') billingTaxonomy = el[3];
        else if (claim && !line && el[1] === 'PE') claim.rendering.taxonomy = el[3];
        else if (claim && el[1] === 'RF' && claim.referring) claim.referring.taxonomy = el[3];
        break;
      case 'NM1': {
        const code = el[1];
        address = undefined;
        if (code === '41') {
          env.submitterName = el[3] ?? '';
          entity = 'other';
        } else if (code === '40') {
          env.receiverName = el[3] ?? '';
          entity = 'other';
        } else if (code === '85' && billing) {
          billing.name = el[3] ?? '';
          billing.npi = el[9] ?? '';
          if (billingTaxonomy) billing.taxonomy = billingTaxonomy;
          entity = 'billing';
        } else if (code === 'IL') {
          subscriber = person(s);
          coverage = {
            ...(coverage ?? { order: 1, payerId: '', payerName: '', relationship: 'self' }),
            memberId: el[9] ?? '',
          };
          entity = 'subscriber';
        } else if (code === 'PR' && coverage) {
          coverage.payerName = el[3] ?? '';
          coverage.payerId = el[9] ?? '';
          entity = 'payer';
        } else if (code === 'QC') {
          patient = { ...person(s), mrn: '' };
          entity = 'patient';
        } else if (claim && !line && code === '82') {
          // 2310x only: 2420x line-level providers have no place in the claim-level model.
          claim.rendering = practitioner(s);
          entity = 'rendering';
        } else if (claim && !line && code === 'DN') {
          claim.referring = practitioner(s);
          entity = 'referring';
        } else if (claim && !line && code === '77') {
          claim.facility = { name: el[3] ?? '', address: emptyAddress() };
          if (el[9]) claim.facility.npi = el[9];
          entity = 'facility';
        } else entity = 'other';
        break;
      }
      case 'N3':
      case 'N4': {
        const target =
          entity === 'billing'
            ? billing?.address
            : entity === 'subscriber'
              ? subscriber && (subscriber.address ??= emptyAddress())
              : entity === 'patient'
                ? patient && (patient.address ??= emptyAddress())
                : entity === 'facility'
                  ? claim?.facility?.address
                  : undefined;
        if (target) {
          address = target;
          if (el[0] === 'N3') {
            address.line1 = el[1] ?? '';
            if (el[2]) address.line2 = el[2];
          } else {
            address.city = el[1] ?? '';
            address.state = el[2] ?? '';
            address.zip = el[3] ?? '';
          }
        }
        break;
      }
      case 'REF':
        if (el[1] === 'EI' && billing && !claim) billing.taxId = el[2] ?? '';
        else if (claim && !line && el[1] === 'G1') claim.priorAuthorization = el[2] ?? '';
        else if (claim && el[1] === 'F8') claim.originalClaimNumber = el[2] ?? '';
        else if (claim && el[1] === 'EA') claim.patient.mrn = el[2] ?? '';
        break;
      case 'PER':
        if (entity === 'billing' && billing) {
          billing.contactName = el[2] ?? '';
          billing.contactPhone = el[3] === 'TE' ? (el[4] ?? '') : '';
        } else if (!billing) {
          env.submitterContact = { name: el[2] ?? '' };
          for (let i = 3; i + 1 < el.length; i += 2) {
            if (el[i] === 'TE') env.submitterContact.phone = el[i + 1] ?? '';
            else if (el[i] === 'EM') env.submitterContact.email = el[i + 1] ?? '';
          }
        }
        break;
      case 'SBR':
        if (coverage) {
          coverage.order = el[1] === 'S' ? 2 : el[1] === 'T' ? 3 : 1;
          if (el[3]) coverage.groupNumber = el[3];
          if (el[9]) coverage.filingIndicator = el[9];
        } else {
          // SBR comes before NM1*IL: hold its facts on a provisional coverage.
          coverage = {
            order: el[1] === 'S' ? 2 : el[1] === 'T' ? 3 : 1,
            payerId: '',
            payerName: '',
            memberId: '',
            relationship: 'self',
          };
          if (el[3]) coverage.groupNumber = el[3];
          if (el[9]) coverage.filingIndicator = el[9];
        }
        break;
      case 'PAT':
        if (coverage) coverage.relationship = REL[el[1] ?? ''] ?? 'other';
        break;
      case 'DMG': {
        const who = entity === 'subscriber' ? subscriber : entity === 'patient' ? patient : undefined;
        if (who) {
          who.dob = fromD8(el[2] ?? '');
          who.sex = sexOf(el[3]);
        }
        break;
      }
      case 'CLM': {
        finishClaim();
        if (!billing || !coverage || !subscriber) {
          diagnostics.push(diag('X12_837_ORPHAN_CLM', 'CLM outside a billing/subscriber hierarchy', s));
          break;
        }
        const c5 = comp(el[5]);
        const total = parseCents(el[2] ?? '');
        if (total === undefined)
          diagnostics.push(diag('X12_BAD_AMOUNT', `CLM02 '${el[2] ?? ''}' is not an amount`, s, 2));
        const self = !patient;
        const pat: Patient = self ? { ...subscriber, mrn: '' } : patient!;
        const cov: Coverage = { ...coverage };
        if (self) cov.relationship = 'self';
        else if (cov.relationship !== 'self') cov.subscriber = subscriber;
        claim = {
          kind: dental ? 'dental' : 'medical',
          patientControlNumber: el[1] ?? '',
          frequency: (c5[2] ?? '1') as Claim['frequency'],
          billing,
          rendering: { npi: '', lastName: '' },
          patient: pat,
          coverage: cov,
          placeOfService: c5[0] ?? '',
          diagnoses: [],
          lines: [],
          totalChargeCents: total ?? 0,
        };
        claimDate = undefined;
        entity = 'other';
        break;
      }
      case 'HI':
        if (claim) {
          for (let i = 1; i < el.length; i++) {
            const [q, code] = comp(el[i]);
            if (q === 'ABK' || q === 'ABF' || q === 'BK' || q === 'BF') claim.diagnoses.push(code ?? '');
          }
        }
        break;
      case 'LX':
        if (claim) {
          line = {
            lineNumber: Number(el[1]),
            code: '',
            modifiers: [],
            units: 0,
            chargeCents: 0,
            diagnosisPointers: [],
            dateOfService: claimDate ?? '',
          };
          claim.lines.push(line);
        }
        break;
      case 'SV1':
      case 'SV3':
        if (line) {
          const proc = comp(el[1]);
          line.code = proc[1] ?? '';
          line.modifiers = proc.slice(2, 6).filter((m) => m !== '');
          const amt = parseCents(el[2] ?? '');
          if (amt === undefined)
            diagnostics.push(diag('X12_BAD_AMOUNT', `${el[0]}02 is not an amount`, s, 2));
          line.chargeCents = amt ?? 0;
          const units = el[0] === 'SV1' ? el[4] : el[6];
          line.units = units ? Number(units) : 1;
          const ptr = el[0] === 'SV1' ? el[7] : el[11];
          line.diagnosisPointers = ptr ? comp(ptr).map(Number) : [];
          if (el[0] === 'SV3' && el[4]) {
            const area = comp(el[4])[0] ?? '';
            line.area = AREA[area] ?? area;
          }
        }
        break;
      case 'TOO':
        if (line) {
          line.tooth = el[2] ?? '';
          if (el[3]) line.surfaces = comp(el[3]).join('');
        }
        break;
      case 'DTP':
        if (el[1] === '472') {
          const v = el[2] === 'RD8' ? (el[3] ?? '').slice(0, 8) : (el[3] ?? '');
          if (line) line.dateOfService = fromD8(v);
          else if (claim) claimDate = fromD8(v);
        }
        break;
      default:
        break;
    }
  };
  // Each segment is split as it is reached and dropped after `step` (a local loop, so `step` is a known call target).
  const cuts = cut(text);
  const element = cuts.separators?.element ?? sep.element;
  for (let i = 0; i < cuts.count; i++) step(segmentAt(cuts, i, element));
  diagnostics.unshift(...cuts.diagnostics);
  finishClaim();
  if (stCount > 1) env.claimsPerSt = claimsInFirstSt;
  if (claims.length === 0) diagnostics.push(warn('X12_837_NO_CLAIMS', 'no CLM segments found', undefined));
  return { value: { kind: dental ? 'dental' : 'medical', envelope: env, claims }, diagnostics };
}
