// HL7 v2 → the domain: DFT^P03 into EncounterInput, MDM^T02/T04 into a "note finalized" signal,
// and toEnvelope(), which every HL7 channel calls to turn raw bytes into an InboundEnvelope (or a
// reject the channel answers with AR). Pure: no I/O, no clock (times come from the message).

import type { IntakeChannel, InboundEnvelope } from '../../appliance/ports.js';
import type {
  Address,
  Coverage,
  DiagnosisInput,
  Diagnostic,
  EncounterInput,
  Patient,
  Person,
  Practitioner,
  ProcedureInput,
  Relationship,
  Sex,
} from '../../appliance/domain/types.js';
import {
  all,
  components,
  decodeBytes,
  first,
  firstComponents,
  firstOfEach,
  hasRepetitions,
  get,
  parseMessage,
  rawField,
  type Message,
  type Segment,
} from './parse.js';
import { compileRef, type CompiledRef, type FieldRef, type Hl7Profile } from './profiles.js';
import { FILING_CODES } from '../x12/specs.js';
import { npiRepetition, npiWarning } from './npi.js';
import { DEFAULT_VISIT_NUMBER } from './profiles.js';

// ------------------------------------------------------------------ values

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Digits of value[from, to) as a number, or -1 if any is not a digit (no regex: this runs per field). */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** HL7 DT/DTM → 'YYYY-MM-DD' (needs at least YYYYMMDD and a real calendar day). */
export function hl7Date(value: string): string | undefined {
  if (value.length < 8) return undefined;
  const y = digitsAt(value, 0, 4);
  const m = digitsAt(value, 4, 6);
  const d = digitsAt(value, 6, 8);
  if (y < 1850 || m < 1 || m > 12 || d < 1) return undefined;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS[m - 1]! + (leap ? 1 : 0)) return undefined;
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** HL7 DTM (YYYYMMDD[HH[MM[SS[.S+]]]][+/-ZZZZ]) → ISO-8601 UTC instant. */
export function hl7Instant(value: string, defaultOffset = '+0000'): string | undefined {
  const date = hl7Date(value);
  if (!date) return undefined;
  // Split off a trailing +/-ZZZZ offset, then read HH MM SS .S+ positionally.
  let body = value;
  let off = defaultOffset;
  const signAt = Math.max(value.indexOf('+', 8), value.indexOf('-', 8));
  if (signAt > 0) {
    off = value.slice(signAt);
    body = value.slice(0, signAt);
    if (off.length !== 5 || digitsAt(off, 1, 5) < 0) return undefined;
  }
  const dot = body.indexOf('.');
  const main = dot < 0 ? body : body.slice(0, dot);
  if (main.length > 14 || main.length % 2 !== 0) return undefined;
  const hh = main.length >= 10 ? digitsAt(main, 8, 10) : 0;
  const mi = main.length >= 12 ? digitsAt(main, 10, 12) : 0;
  const ss = main.length >= 14 ? digitsAt(main, 12, 14) : 0;
  if (hh < 0 || mi < 0 || ss < 0 || hh > 23 || mi > 59 || ss > 59) return undefined;
  let ms = 0;
  if (dot >= 0) {
    const frac = body.slice(dot + 1);
    if (frac.length < 1 || frac.length > 4 || digitsAt(frac, 0, frac.length) < 0) return undefined;
    ms = Math.round(Number(`0.${frac}`) * 1000);
  }
  const sign = off[0] === '-' ? -1 : 1;
  const offMin = sign * (digitsAt(off, 1, 3) * 60 + digitsAt(off, 3, 5));
  // Already UTC and within its second: what toISOString() would give, without a Date.
  if (offMin === 0 && ms < 1000) return `${date}T${two(hh)}:${two(mi)}:${two(ss)}.${three(ms)}Z`;
  const t =
    Date.UTC(digitsAt(value, 0, 4), digitsAt(value, 4, 6) - 1, digitsAt(value, 6, 8), hh, mi, ss, ms) -
    offMin * 60_000;
  return new Date(t).toISOString();
}

/**
 * '125.00' / '125' / '125.5' → integer cents without floating point; undefined if not money. HL7 NM
 * (the quantity of MO/CP): an optional leading + or -, digits, an optional decimal point, and trailing
 * zeros after the point are not significant: '+125.00', '.50', '125.000' are money. A non-zero
 * digit past the cents is refused, not rounded (see centsProblem): billing must not invent a cent.
 */
export function toCents(value: string): number | undefined {
  // By position, no substrings (this runs per charge line); trim() only when an end could be space.
  const n = value.length;
  const v =
    n === 0 || (printable(value.charCodeAt(0)) && printable(value.charCodeAt(n - 1))) ? value : value.trim();
  const sign = v.charCodeAt(0);
  const neg = sign === 45;
  const from = neg || sign === 43 ? 1 : 0;
  const dot = v.indexOf('.', from);
  const wholeEnd = dot < 0 ? v.length : dot;
  let fracEnd = v.length;
  while (dot >= 0 && fracEnd - dot - 1 > 2 && v.charCodeAt(fracEnd - 1) === 48) fracEnd--;
  const fracLen = dot < 0 ? 0 : fracEnd - dot - 1;
  if ((wholeEnd === from && fracLen === 0) || fracLen > 2) return undefined;
  const w = digitsAt(v, from, wholeEnd);
  // One decimal is tenths: '125.5' is 12550.
  const f =
    fracLen === 0 ? 0 : fracLen === 1 ? tenths(digitsAt(v, dot + 1, dot + 2)) : digitsAt(v, dot + 1, dot + 3);
  if (w < 0 || f < 0) return undefined;
  const cents = w * 100 + f;
  return neg ? -cents : cents;
}

/** Why an FT1-11/FT1-12 value is not an amount, for the quarantine reason. */
function centsProblem(field: string, value: string): string {
  const v = value.trim();
  const dot = v.indexOf('.');
  if (dot >= 0 && /^[+-]?\d*\.\d+$/.test(v) && /[1-9]/.test(v.slice(dot + 3)))
    return `${field} charge '${v}' has fractions of a cent; refused rather than rounded`;
  return `${field} charge '${v}' is not an amount (HL7 NM: optional sign, digits, optional point)`;
}

/** Printable ASCII other than space: never removed by trim(). */
function printable(c: number): boolean {
  return c > 32 && c < 127;
}

function tenths(d: number): number {
  return d < 0 ? -1 : d * 10;
}

/**
 * v.toUpperCase(), without the call when nothing would change (codes are mostly upper case
 * already, and the call costs several times a look at a few characters).
 */
function upper(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c >= 128) return v.toUpperCase();
  }
  return v;
}

function sexOf(v: string): Sex {
  return v === 'M' || v === 'F' ? v : 'U';
}

function digits(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return v.replace(/\D/g, '');
  }
  return v;
}

// ------------------------------------------------------------------ profile refs

/** A compiled ref, with its filter value upper-cased once (readRef compares it with upper() reads). */
type RefPlan = CompiledRef & { filterValue: string };

type RefCache = Map<FieldRef, RefPlan | undefined>;

// A profile's refs compiled once (keyed by the ref text, so a profile edited in place still reads right).
const compiled = new WeakMap<Hl7Profile, RefCache>();

function refsOf(profile: Hl7Profile): RefCache {
  let cache = compiled.get(profile);
  if (!cache) compiled.set(profile, (cache = new Map<FieldRef, RefPlan | undefined>()));
  return cache;
}

/**
 * The upper-cased filter field of every segment with one id, read once per message: a profile's
 * filtered refs mostly test the same field (OBX-3 for MDM, TOTTIME, VISITTYPE, NURSEVISIT).
 */
type FilterReads = { segment: string; field: number; values: string[] }[];

function planRef(ref: FieldRef): RefPlan | undefined {
  const c = compileRef(ref);
  return c && Object.assign(c, { filterValue: c.filter ? upper(c.filter.value) : '' });
}

/** Read a profile ref; refs to the scope segment's id read that segment (a charge line's FT1). */
function readRef(
  msg: Message,
  refs: RefCache,
  memo: FilterReads,
  ref: FieldRef | undefined,
  scope?: Segment,
): string {
  if (!ref) return '';
  let r = refs.get(ref);
  if (r === undefined && !refs.has(ref)) refs.set(ref, (r = planRef(ref)));
  if (!r) return '';
  let seg: Segment | undefined;
  if (scope && scope.id === r.segment) seg = scope;
  else if (r.filter) {
    const f = r.filter;
    const segs = all(msg, r.segment);
    let reads: FilterReads[number] | undefined;
    for (let i = 0; i < memo.length && !reads; i++)
      if (memo[i]!.segment === r.segment && memo[i]!.field === f.field) reads = memo[i];
    if (!reads) {
      const values = new Array<string>(segs.length);
      for (let i = 0; i < segs.length; i++) values[i] = upper(get(msg, segs[i], f.field));
      memo.push((reads = { segment: r.segment, field: f.field, values }));
    }
    seg = segs[reads.values.indexOf(r.filterValue)];
  } else seg = first(msg, r.segment);
  return get(msg, seg, r.field, r.component, r.subcomponent).trim();
}

// ------------------------------------------------------------------ pieces

/** Component c (1-based) of a components() repetition; '' past its end. */
function comp(x: string[] | undefined, c: number): string {
  return x?.[c - 1] ?? '';
}

/**
 * The first repetition's first `upTo` components of SEG-n (multi-component reads: names, addresses,
 * CE codes); comp() of a later one reads ''.
 */
function firstRep(msg: Message, seg: Segment | undefined, n: number, upTo: number): string[] {
  return firstComponents(msg, seg, n, upTo);
}

function address(msg: Message, seg: Segment | undefined, n: number): Address | undefined {
  const x = firstRep(msg, seg, n, 5);
  const line1 = comp(x, 1);
  const city = comp(x, 3);
  const state = upper(comp(x, 4));
  const zip = digits(comp(x, 5));
  if (!line1 && !city && !zip) return undefined;
  const a: Address = { line1, city, state, zip };
  const line2 = comp(x, 2);
  if (line2) a.line2 = line2;
  return a;
}

/** Where a segment keeps a person's name, birth date, sex, address and phone. */
interface PersonFields {
  name: number;
  dob: number;
  sex: number;
  addr: number;
  phone?: number;
}

const PID_PERSON: PersonFields = { name: 5, dob: 7, sex: 8, addr: 11, phone: 13 };
const IN1_INSURED: PersonFields = { name: 16, dob: 18, sex: 43, addr: 19 };
const GT1_GUARANTOR: PersonFields = { name: 3, dob: 8, sex: 9, addr: 5, phone: 6 };

function person(msg: Message, seg: Segment | undefined, f: PersonFields): Person {
  const name = firstRep(msg, seg, f.name, 3);
  const p: Person = {
    lastName: comp(name, 1),
    firstName: comp(name, 2),
    dob: hl7Date(get(msg, seg, f.dob)) ?? '',
    sex: sexOf(get(msg, seg, f.sex)),
  };
  const middle = comp(name, 3);
  if (middle) p.middleName = middle;
  const a = address(msg, seg, f.addr);
  if (a) p.address = a;
  if (f.phone !== undefined) {
    // XTN-1 (formatted number), else XTN-12 (unformatted telephone number): two leaves read, not
    // the twelve components made.
    const phone = digits(get(msg, seg, f.phone, 1)) || digits(get(msg, seg, f.phone, 12));
    if (phone) p.phone = phone;
  }
  return p;
}

/** XCN (id^family^given) → Practitioner, from the repetition that holds the NPI (npi.ts). */
function practitioner(msg: Message, seg: Segment | undefined, n: number): Practitioner | undefined {
  // One repetition (the usual case): its first three components, with no NPI to look for.
  const xcn = hasRepetitions(msg, seg, n) ? npiRepetition(msg, seg, n) : firstRep(msg, seg, n, 3);
  const npi = comp(xcn, 1);
  const lastName = comp(xcn, 2);
  if (!npi && !lastName) return undefined;
  const p: Practitioner = { npi, lastName };
  const given = comp(xcn, 3);
  if (given) p.firstName = given;
  return p;
}

/** PID-3 (CX, repeating): the MR-typed identifier (CX-5), else the first; PID-2/PID-4 for 2.3 senders. */
function mrnOf(msg: Message, pid: Segment | undefined): string {
  const reps = components(msg, pid, 3, Infinity, 5);
  let mr = reps[0];
  for (let r = 0; r < reps.length; r++)
    if (reps[r]![4] === 'MR') {
      mr = reps[r];
      break;
    }
  return comp(mr, 1) || get(msg, pid, 2) || get(msg, pid, 4);
}

/** HL7 table 0063 and X12 individual relationship codes → ours. */
function relationshipOf(code: string): Relationship {
  switch (upper(code)) {
    case 'SEL':
    case 'SELF':
    case '18':
    case '01S':
      return 'self';
    case 'SPO':
    case 'SPOUSE':
    case '01':
      return 'spouse';
    case 'CHD':
    case 'CHILD':
    case '19':
      return 'child';
    case '':
      return 'self';
    default:
      return 'other';
  }
}

/**
 * SBR09 claim filing indicator codes an EHR may put in IN1-15 plan type: the 837 validator's own
 * list, so the mapper never takes a code the validator would refuse (4010's PO and EP are gone).
 */
const FILING: ReadonlySet<string> = new Set(FILING_CODES);

function coverages(msg: Message): Coverage[] {
  const out: Coverage[] = [];
  const in1s = all(msg, 'IN1');
  for (let i = 0; i < in1s.length; i++) {
    const in1 = in1s[i]!;
    const next = msg.segments[in1.index + 1];
    const in2 = next?.id === 'IN2' ? next : undefined;
    const setId = Number(get(msg, in1, 1));
    const order = setId >= 1 && setId <= 3 ? setId : i + 1;
    if (order > 3) continue;
    const relationship = relationshipOf(get(msg, in1, 17));
    const c: Coverage = {
      order: order as 1 | 2 | 3,
      payerId: get(msg, in1, 3),
      payerName: get(msg, in1, 4),
      // IN1-36 policy number, IN1-49 insured's id, IN2-8 Medicare health insurance card number.
      memberId: get(msg, in1, 36) || get(msg, in1, 49) || get(msg, in2, 8),
      relationship,
    };
    const group = get(msg, in1, 8);
    if (group) c.groupNumber = group;
    const plan = upper(get(msg, in1, 15));
    if (FILING.has(plan)) c.filingIndicator = plan;
    if (relationship !== 'self') c.subscriber = person(msg, in1, IN1_INSURED);
    out.push(c);
  }
  return out.length > 1 ? out.sort(byOrder) : out;
}

function byOrder(a: Coverage, b: Coverage): number {
  return a.order - b.order;
}

const ICD10_SHAPE = /^[A-TV-Z]\d[0-9A-Z](\.?[0-9A-Z]{1,4})?$/;

function diagnosisSystem(profile: Hl7Profile, system: string, code: string): DiagnosisInput['system'] {
  const s = profile.diagnosisSystems[system] ?? profile.diagnosisSystems[upper(system)];
  if (s) return s;
  if (!system && ICD10_SHAPE.test(code)) return 'ICD10';
  if (!system && /^\d{6,18}$/.test(code)) return 'SNOMED';
  return 'LOCAL';
}

/**
 * DG1-2 diagnosis coding method (table 0053; kept for 2.3/2.4 senders that name the system there, not
 * in DG1-3.3): used only when the profile knows the value (I10, I9...), so an unknown one still
 * leaves the code's shape to decide.
 */
function codingMethod(msg: Message, dg1: Segment, profile: Hl7Profile): string {
  const m = get(msg, dg1, 2).toUpperCase();
  return m && profile.diagnosisSystems[m] ? m : '';
}

/**
 * DG1 segments by DG1-15 diagnosis priority (table 0359: 1 is the primary diagnosis, then 2, 3...),
 * which sets the claim's principal diagnosis; DG1-1 is only a set id. Segments without a priority
 * (or 0, not ranked) keep their order after the ranked ones.
 */
function byPriority(msg: Message, dg1s: Segment[]): Segment[] {
  const ranks = new Array<number>(dg1s.length);
  let inOrder = true;
  for (let i = 0; i < dg1s.length; i++) {
    const p = Number(get(msg, dg1s[i], 15));
    const r = Number.isInteger(p) && p > 0 ? p : Infinity;
    if (i > 0 && !(ranks[i - 1]! <= r)) inOrder = false;
    ranks[i] = r;
  }
  // Already in priority order, or not ranked at all: the usual case, nothing to sort.
  if (inOrder) return dg1s;
  return dg1s
    .map((s, i) => ({ s, i, r: ranks[i]! }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.s);
}

function procedureSystem(profile: Hl7Profile, system: string): ProcedureInput['system'] {
  if (!system) return profile.defaultProcedureSystem;
  return (
    profile.procedureSystems[system] ??
    profile.procedureSystems[upper(system)] ??
    profile.defaultProcedureSystem
  );
}

function normCode(system: DiagnosisInput['system'], code: string): string {
  if (system !== 'ICD10') return code;
  const c = code.indexOf('.') < 0 ? code : code.replace('.', '');
  return upper(c);
}

// ------------------------------------------------------------------ DFT^P03

/** A message's diagnoses as they are listed, with what addDx() needs to find one again. */
interface DxList {
  profile: Hl7Profile;
  /** Listed by normalized code (each one once); a message has a handful: searched, not hashed. */
  diagnoses: DiagnosisInput[];
  /**
   * FT1-19 repeats the DG1 codes on every charge line: remember them as sent, before normalizing
   * (rawCodes[i] was last listed as seq rawSeqs[i]).
   */
  rawCodes: string[];
  rawSeqs: number[];
  /** Every code of a message usually names the same coding system: look it up once. */
  lastSystem: string;
  lastSys: DiagnosisInput['system'];
}

/**
 * List a diagnosis unless it is listed already; its 1-based seq either way. A module function, not
 * a closure in mapDft: tsx (the source mode) names every closure with Object.defineProperty, which
 * costs more than the rest of a call.
 */
function addDx(l: DxList, code: string, text: string, system: string): number {
  // With a system named, the result depends on it alone (diagnosisSystem looks at the code only without one).
  let sys: DiagnosisInput['system'];
  if (system !== '' && system === l.lastSystem) sys = l.lastSys;
  else {
    sys = diagnosisSystem(l.profile, system, code);
    if (system !== '') {
      l.lastSystem = system;
      l.lastSys = sys;
    }
  }
  const raw = l.rawCodes.indexOf(code);
  const seen = raw < 0 ? undefined : l.rawSeqs[raw]!;
  // A code named without a system (FT1-19) is the DG1 one as sent, whatever its shape says.
  if (seen !== undefined && (system === '' || l.diagnoses[seen - 1]!.system === sys)) return seen;
  const key = normCode(sys, code);
  let seq = 0;
  for (let i = 0; i < l.diagnoses.length && !seq; i++) if (l.diagnoses[i]!.code === key) seq = i + 1;
  if (!seq) {
    const dx: DiagnosisInput = { seq: l.diagnoses.length + 1, system: sys, code: key };
    if (text) dx.text = text;
    l.diagnoses.push(dx);
    seq = dx.seq;
  }
  if (raw < 0) {
    l.rawCodes.push(code);
    l.rawSeqs.push(seq);
  } else l.rawSeqs[raw] = seq;
  return seq;
}

export interface MapResult {
  value: EncounterInput | undefined;
  diagnostics: Diagnostic[];
}

const q = (code: string, message: string, segment: string, field?: string): Diagnostic => {
  const d: Diagnostic = { code, message, severity: 'error', segment };
  if (field) d.field = field;
  return d;
};

/** Map a parsed DFT^P03 (or P11) into an EncounterInput; errors mean quarantine. */
export function mapDft(msg: Message, profile: Hl7Profile): MapResult {
  const diagnostics: Diagnostic[] = [];
  const refs = refsOf(profile);
  const filterReads: FilterReads = [];
  const msh = msg.segments[0];
  const pid = first(msg, 'PID');
  const pv1 = first(msg, 'PV1');
  const ft1s = all(msg, 'FT1');

  const mrn = mrnOf(msg, pid);
  if (!pid) diagnostics.push(q('HL7_NO_PID', 'no PID segment', 'PID'));
  else if (!mrn)
    diagnostics.push(q('HL7_NO_PATIENT_ID', 'PID-3 patient identifier is empty', 'PID', 'PID-3'));
  const visitNumber = visitNumberOf(msg, refs, profile, filterReads);
  if (!visitNumber) diagnostics.push(noVisitNumber(msg, profile, ''));

  // mrn last, as Object.assign(person, { mrn }) had it (the key order shows in stored JSON).
  const patient = person(msg, pid, PID_PERSON) as Patient;
  patient.mrn = mrn;
  if (pid && !patient.lastName)
    diagnostics.push(q('HL7_NO_PATIENT_NAME', 'PID-5 patient name is empty', 'PID', 'PID-5'));
  if (pid && !patient.dob)
    diagnostics.push(
      q(
        'HL7_BAD_DATE',
        get(msg, pid, 7) ? 'PID-7 birth date is not a valid date' : 'PID-7 birth date is empty',
        'PID',
        'PID-7',
      ),
    );

  const firstFt1 = ft1s[0];
  const rawDos = get(msg, pv1, 44) || get(msg, firstFt1, 4);
  const dateOfService = hl7Date(rawDos);
  if (!dateOfService)
    diagnostics.push(
      q(
        'HL7_BAD_DATE',
        rawDos ? 'PV1-44/FT1-4 date of service is not a valid date' : 'no date of service (PV1-44 or FT1-4)',
        'PV1',
        'PV1-44',
      ),
    );

  // Diagnoses (DG1-3 CE/CWE code^text^system), then any FT1-19 code not already listed.
  const dxs: DxList = {
    profile,
    diagnoses: [],
    rawCodes: [],
    rawSeqs: [],
    lastSystem: '',
    lastSys: 'LOCAL',
  };
  const diagnoses = dxs.diagnoses;
  for (const dg1 of byPriority(msg, all(msg, 'DG1'))) {
    const ce = firstRep(msg, dg1, 3, 6);
    const code = comp(ce, 1);
    if (!code) continue;
    const text = comp(ce, 2) || get(msg, dg1, 4);
    const system = comp(ce, 3) || codingMethod(msg, dg1, profile);
    // CE/CWE alternate identifier (DG1-3.4^.5^.6): EHRs that code problems in SNOMED often send
    // the ICD-10-CM crosswalk there; billing wants the ICD-10 code when the profile says so.
    const alt = comp(ce, 4);
    const altSystem = comp(ce, 6);
    if (
      profile.preferIcd10Alternate &&
      alt &&
      diagnosisSystem(profile, system, code) !== 'ICD10' &&
      diagnosisSystem(profile, altSystem, alt) === 'ICD10'
    )
      addDx(dxs, alt, comp(ce, 5) || text, altSystem);
    else addDx(dxs, code, text, system);
  }

  const procedures: ProcedureInput[] = [];
  let lastProcSystem: string | undefined;
  let lastProcSys: ProcedureInput['system'] = profile.defaultProcedureSystem;
  // FT1-19 texts read so far and their repetitions (a short list: compared, never hashed).
  const dxTexts: string[] = [];
  const dxRepsOf: string[][][] = [];
  let lastRawDate: string | undefined;
  let lastDate: string | undefined;
  // FT1 lines that are not charges, named in the reason when no procedure is left.
  const skipped: string[] = [];
  for (const ft1 of ft1s) {
    // FT1-6 transaction type (table 0017): CG charge; credits, payments and adjustments are not services.
    const rawType = get(msg, ft1, 6);
    const type = upper(rawType);
    if (type && type !== 'CG') {
      skipped.push(
        `FT1 #${get(msg, ft1, 1) || ft1s.indexOf(ft1) + 1} skipped: FT1-6 transaction type '${rawType}' ${typeName(type)}`,
      );
      continue;
    }
    // FT1-25 procedure code (CE), else FT1-7 transaction code.
    const ce = firstRep(msg, ft1, 25, 3);
    const code = comp(ce, 1) || get(msg, ft1, 7, 1);
    if (!code) {
      diagnostics.push({
        code: 'HL7_FT1_NO_CODE',
        message: `FT1 #${get(msg, ft1, 1) || ft1.index} has no procedure code (FT1-25/FT1-7); skipped`,
        severity: 'warning',
        segment: 'FT1',
        position: ft1.index,
        field: 'FT1-25',
      });
      continue;
    }
    const system = comp(ce, 3) || get(msg, ft1, 7, 3);
    // Every charge line usually names the same coding system: look it up once.
    if (system !== lastProcSystem) {
      lastProcSystem = system;
      lastProcSys = procedureSystem(profile, system);
    }
    const p: ProcedureInput = {
      system: lastProcSys,
      code: upper(code),
    };
    const text = comp(ce, 2) || get(msg, ft1, 8);
    if (text) p.text = text;
    if (profile.modifierField !== undefined) {
      const reps = firstOfEach(msg, ft1, profile.modifierField);
      let mods: string[] | undefined;
      for (let r = 0; r < reps.length; r++) {
        const m = reps[r]!;
        if (m) (mods ??= []).push(upper(m));
      }
      if (mods) p.modifiers = mods;
    }
    const qty = get(msg, ft1, 10);
    const units = qty ? Number(qty) : 1;
    if (!Number.isFinite(units) || units <= 0) {
      diagnostics.push(
        q('HL7_BAD_UNITS', `FT1-10 quantity '${qty}' is not a positive number`, 'FT1', 'FT1-10'),
      );
    } else p.units = units;
    // FT1-11 extended amount (CP: MO quantity&denomination ^ ...), else FT1-12 unit amount × units.
    const ext = get(msg, ft1, 11, 1, 1);
    // FT1-12 only matters without FT1-11.
    const unit = ext ? '' : get(msg, ft1, 12, 1, 1);
    const cents = ext ? toCents(ext) : unit ? mulCents(toCents(unit), p.units ?? 1) : undefined;
    if ((ext || unit) && cents === undefined)
      diagnostics.push(
        q('HL7_BAD_AMOUNT', centsProblem(ext ? 'FT1-11' : 'FT1-12', ext || unit), 'FT1', 'FT1-11'),
      );
    else if (cents !== undefined) p.chargeCents = cents;
    // FT1-19 diagnosis codes (repeating CE), linked to DG1 by code; a code not in DG1 is added.
    const links: number[] = [];
    // Charge lines mostly repeat the same FT1-19 text: read each distinct one once.
    const rawDx = rawField(ft1, 19);
    let known = -1;
    for (let i = 0; i < dxTexts.length && known < 0; i++) {
      const t = dxTexts[i]!;
      if (t.length === rawDx.length && t === rawDx) known = i;
    }
    let dxReps = known >= 0 ? dxRepsOf[known]! : undefined;
    if (!dxReps) {
      dxReps = components(msg, ft1, 19, Infinity, 3);
      if (dxTexts.length < 16) {
        dxTexts.push(rawDx);
        dxRepsOf.push(dxReps);
      }
    }
    for (const r of dxReps) {
      const c = comp(r, 1);
      if (!c) continue;
      const seq = addDx(dxs, c, comp(r, 2), comp(r, 3));
      if (!links.includes(seq)) links.push(seq);
    }
    if (links.length) p.diagnosisSeqs = links;
    const rawDate = get(msg, ft1, 4, 1, 1);
    if (rawDate !== lastRawDate) {
      lastRawDate = rawDate;
      lastDate = hl7Date(rawDate);
    }
    const date = lastDate;
    if (rawDate && !date)
      diagnostics.push(q('HL7_BAD_DATE', 'FT1-4 transaction date is not a valid date', 'FT1', 'FT1-4'));
    if (date && date !== dateOfService) p.date = date;
    if (profile.kind === 'dental' || profile.tooth) {
      const tooth = readRef(msg, refs, filterReads, profile.tooth, ft1);
      if (tooth) p.tooth = upper(tooth);
      const surfaces = readRef(msg, refs, filterReads, profile.surfaces, ft1);
      if (surfaces) p.surfaces = upper(surfaces);
      const area = readRef(msg, refs, filterReads, profile.area, ft1);
      if (area) p.area = upper(area);
    }
    procedures.push(p);
  }
  // PR1 only when the EHR sent no coded charges: procedures without charge data.
  if (procedures.length === 0) {
    for (const pr1 of all(msg, 'PR1')) {
      const code = get(msg, pr1, 3, 1);
      if (!code) continue;
      const system = get(msg, pr1, 3, 3);
      const p: ProcedureInput = {
        system: profile.procedureSystems[upper(system)] ?? profile.defaultProcedureSystem,
        code: upper(code),
      };
      const text = get(msg, pr1, 3, 2) || get(msg, pr1, 4);
      if (text) p.text = text;
      const mods: string[] = [];
      for (const r of components(msg, pr1, 16, Infinity, 1)) {
        const m = upper(comp(r, 1));
        if (m) mods.push(m);
      }
      if (mods.length) p.modifiers = mods;
      const date = hl7Date(get(msg, pr1, 5));
      if (date && date !== dateOfService) p.date = date;
      procedures.push(p);
    }
  }
  if (procedures.length === 0)
    diagnostics.push(
      q(
        'HL7_NO_PROCEDURES',
        ['no procedure codes in FT1-25/FT1-7 or PR1-3', ...skipped].join('; '),
        'FT1',
        skipped.length ? 'FT1-6' : 'FT1-25',
      ),
    );

  const ft1Rendering = practitioner(msg, firstFt1, 20);
  const rendering = ft1Rendering ?? practitioner(msg, pv1, 7) ?? { npi: '', lastName: '' };
  const badRendering = npiWarning(rendering.npi, ft1Rendering ? 'FT1-20' : 'PV1-7', 'rendering');
  if (badRendering) diagnostics.push(badRendering);
  if (!rendering.npi)
    diagnostics.push({
      code: 'HL7_NO_RENDERING',
      message: 'no rendering provider id in FT1-20 or PV1-7',
      severity: 'warning',
      segment: 'PV1',
      field: 'PV1-7',
    });

  const finalizedAt =
    hl7Instant(get(msg, first(msg, 'EVN'), 2), profile.defaultOffset) ??
    hl7Instant(get(msg, msh, 7), profile.defaultOffset);
  if (!finalizedAt)
    diagnostics.push(q('HL7_BAD_DATE', 'EVN-2/MSH-7 timestamp is not a valid date/time', 'MSH', 'MSH-7'));

  if (hasError(diagnostics) || !dateOfService || !finalizedAt) return { value: undefined, diagnostics };

  let placeOfService = profile.defaultPos;
  for (const ref of profile.pos) {
    const v = upper(readRef(msg, refs, filterReads, ref, firstFt1));
    const pos = v.length === 2 && digitsAt(v, 0, 2) >= 0 ? v : profile.posMap[v];
    if (pos) {
      placeOfService = pos;
      break;
    }
  }
  const enc: EncounterInput = {
    kind: profile.kind,
    source: { system: sourceSystem(msg), visitNumber },
    patient,
    coverages: coverages(msg),
    rendering,
    dateOfService,
    placeOfService,
    diagnoses,
    procedures,
    finalizedAt,
  };
  const pv1Referring = practitioner(msg, pv1, 8);
  const referring = pv1Referring ?? practitioner(msg, firstFt1, 21);
  if (referring && referring.npi !== rendering.npi) {
    enc.referring = referring;
    const badReferring = npiWarning(referring.npi, pv1Referring ? 'PV1-8' : 'FT1-21', 'referring');
    if (badReferring) diagnostics.push(badReferring);
  }
  const gt1 = first(msg, 'GT1');
  if (gt1) enc.guarantor = person(msg, gt1, GT1_GUARANTOR);
  const end = hl7Date(get(msg, pv1, 45));
  if (end && end !== dateOfService) enc.endDate = end;
  if (placeOfService === '02' || placeOfService === '10') enc.telehealth = true;
  const mdm = profile.mdmMap[upper(readRef(msg, refs, filterReads, profile.mdm))];
  if (mdm) enc.mdm = mdm;
  const minutes = readRef(msg, refs, filterReads, profile.totalMinutes);
  if (minutes) {
    const n = Number(minutes);
    if (Number.isInteger(n) && n > 0) enc.totalMinutes = n;
    else
      diagnostics.push({
        code: 'HL7_BAD_MINUTES',
        message: `total minutes '${minutes}' is not a whole number; ignored`,
        severity: 'warning',
        field: profile.totalMinutes ?? '',
      });
  }
  const visitType = profile.visitTypeMap[upper(readRef(msg, refs, filterReads, profile.visitType))];
  if (visitType) enc.visitType = visitType;
  const nurse = upper(readRef(msg, refs, filterReads, profile.nurseVisit));
  if (nurse === 'Y' || nurse === 'YES' || nurse === 'TRUE') enc.nurseVisit = true;
  const auth = readRef(msg, refs, filterReads, profile.authorization);
  if (auth) enc.authorizationNumber = auth;
  return { value: enc, diagnostics };
}

/** The first non-empty profile visitNumber ref (PV1 is optional in DFT_P03: PV1-19 is not always there). */
function visitNumberOf(msg: Message, refs: RefCache, profile: Hl7Profile, memo: FilterReads = []): string {
  for (const ref of profile.visitNumber ?? DEFAULT_VISIT_NUMBER) {
    const v = readRef(msg, refs, memo, ref);
    if (v) return v;
  }
  return '';
}

function noVisitNumber(msg: Message, profile: Hl7Profile, why: string): Diagnostic {
  const tried = profile.visitNumber ?? DEFAULT_VISIT_NUMBER;
  const where = tried[0] ?? 'PV1-19';
  // PID-18 is often the patient's account, not the visit's: name it, but only the profile may take it.
  const hint =
    !tried.includes('PID-18') && get(msg, first(msg, 'PID'), 18)
      ? ` (PID-18 account number is present; profile ${profile.name} does not take it as the visit number)`
      : '';
  return q(
    'HL7_NO_VISIT_NUMBER',
    `${tried.join('/')} visit number is empty${why}${hint}`,
    where.slice(0, 3),
    where.replace(/\[[^\]]*\]/, ''),
  );
}

/** HL7 table 0017 transaction types that are not charges. */
function typeName(type: string): string {
  const names: Record<string, string> = { CD: 'credit', PY: 'payment', AJ: 'adjustment', CO: 'co-payment' };
  const name = names[type];
  return name ? `is a ${name}, not CG (charge)` : 'is not CG (charge)';
}

function hasError(diagnostics: Diagnostic[]): boolean {
  for (let i = 0; i < diagnostics.length; i++) if (diagnostics[i]!.severity === 'error') return true;
  return false;
}

function mulCents(c: number | undefined, units: number): number | undefined {
  return c === undefined ? undefined : Math.round(c * units);
}

function sourceSystem(msg: Message): string {
  const msh = msg.segments[0];
  return get(msg, msh, 3) || get(msg, msh, 4) || 'unknown';
}

// ------------------------------------------------------------------ envelope

/** HL7 table 0357 message error condition codes used in ERR-3 (v2.5+) / ERR-1.4 (2.3/2.4). */
export type Hl7ErrorCode = '100' | '101' | '102' | '103' | '200' | '201' | '202' | '203' | '207';

export interface Reject {
  code: string;
  reason: string;
  /** Table 0357 code for the ERR segment. */
  hl7Code: Hl7ErrorCode;
}

export interface EnvelopeResult {
  envelope?: InboundEnvelope;
  reject?: Reject;
  /** The parsed message (for ACK building) when parsing got that far. */
  message?: Message;
  diagnostics: Diagnostic[];
}

/** ERR location and 0357 code for a quarantine diagnostic code. */
export function errorCodeFor(code: string): Hl7ErrorCode {
  switch (code) {
    case 'HL7_SEGMENT_CUT':
      return '100';
    case 'HL7_NO_PID':
    case 'HL7_NO_PATIENT_ID':
    case 'HL7_NO_VISIT_NUMBER':
    case 'HL7_NO_PATIENT_NAME':
    case 'HL7_NO_PROCEDURES':
      return '101';
    case 'HL7_BAD_DATE':
    case 'HL7_BAD_UNITS':
    case 'HL7_BAD_AMOUNT':
      return '102';
    default:
      return '207';
  }
}

/** MSH-3^MSH-4: the dedupe key's sender half (ports.ts InboundEnvelope.sender). */
export function senderOf(msg: Message): string {
  const msh = msg.segments[0];
  return `${get(msg, msh, 3)}^${get(msg, msh, 4)}`;
}

/**
 * Raw HL7 bytes → an envelope for the sink (encounter / finalizes / quarantine / ignore), or a
 * reject (unparseable or unsupported type: the MLLP channel answers AR and stores nothing).
 */
export function toEnvelope(raw: Buffer, channel: IntakeChannel, profile: Hl7Profile): EnvelopeResult {
  const { text } = decodeBytes(raw);
  const parsed = parseMessage(text, raw);
  const msg = parsed.value;
  const diagnostics = parsed.diagnostics;
  if (!msg) {
    const e = diagnostics.find((x) => x.severity === 'error');
    return {
      reject: {
        code: e?.code ?? 'HL7_UNPARSEABLE',
        reason: e?.message ?? 'not an HL7 v2 message',
        hl7Code: '100',
      },
      diagnostics,
    };
  }
  if (!msg.messageCode)
    return {
      reject: { code: 'HL7_NO_TYPE', reason: 'MSH-9 message type is empty', hl7Code: '200' },
      message: msg,
      diagnostics,
    };
  const base: InboundEnvelope = {
    channel,
    sender: senderOf(msg),
    messageType: `${msg.messageCode}^${msg.triggerEvent}`,
    raw,
  };
  if (msg.controlId) base.controlId = msg.controlId;
  const code = upper(msg.messageCode);
  const trigger = upper(msg.triggerEvent);

  if (code === 'DFT') {
    if (trigger !== 'P03' && trigger !== 'P11')
      return {
        reject: {
          code: 'HL7_UNSUPPORTED_EVENT',
          reason: `DFT^${trigger} is not supported (P03, P11)`,
          hl7Code: '201',
        },
        message: msg,
        diagnostics,
      };
    const mapped = mapDft(msg, profile);
    // A cut FT1 (parse.ts HL7_SEGMENT_CUT) lost charge data the mapper cannot see: quarantine.
    const cut = diagnostics.length ? diagnostics.filter((x) => x.code === 'HL7_SEGMENT_CUT') : [];
    for (const d of mapped.diagnostics) diagnostics.push(d);
    if (!mapped.value || cut.length)
      return {
        envelope: { ...base, quarantine: quarantineOf([...cut, ...mapped.diagnostics]) },
        message: msg,
        diagnostics,
      };
    // base is this call's own object: complete it rather than copy it (the hot path).
    const envelope = base;
    envelope.encounter = mapped.value;
    if (profile.finalSignal === 'mdm') envelope.awaitingFinal = true;
    return { envelope, message: msg, diagnostics };
  }
  if (code === 'MDM') {
    if (profile.finalSignal !== 'mdm')
      return {
        envelope: { ...base, ignore: `profile ${profile.name} takes "final" from the DFT` },
        message: msg,
        diagnostics,
      };
    if (trigger !== 'T02' && trigger !== 'T04')
      return {
        envelope: { ...base, ignore: `MDM^${trigger} does not finalize a note` },
        message: msg,
        diagnostics,
      };
    const txa = first(msg, 'TXA');
    // TXA-17 document completion status (table 0271): AU authenticated, LA legally authenticated.
    const status = upper(get(msg, txa, 17));
    if (!profile.finalStatuses.includes(status))
      return {
        envelope: { ...base, ignore: `note not final (TXA-17 ${status || 'empty'})` },
        message: msg,
        diagnostics,
      };
    const visitNumber = visitNumberOf(msg, refsOf(profile), profile);
    // TXA-22.15 authentication time (PPN), TXA-4 activity time, then EVN-2 and MSH-7.
    const at =
      hl7Instant(get(msg, txa, 22, 15), profile.defaultOffset) ??
      hl7Instant(get(msg, txa, 4), profile.defaultOffset) ??
      hl7Instant(get(msg, first(msg, 'EVN'), 2), profile.defaultOffset) ??
      hl7Instant(get(msg, msg.segments[0], 7), profile.defaultOffset);
    if (!visitNumber || !at) {
      const dx = !visitNumber
        ? noVisitNumber(msg, profile, ': cannot tell which visit the note finalizes')
        : q('HL7_BAD_DATE', 'no valid authentication time in TXA-22/TXA-4/EVN-2/MSH-7', 'TXA', 'TXA-22');
      diagnostics.push(dx);
      return { envelope: { ...base, quarantine: quarantineOf([dx]) }, message: msg, diagnostics };
    }
    return {
      envelope: { ...base, finalizes: { sourceSystem: sourceSystem(msg), visitNumber, finalizedAt: at } },
      message: msg,
      diagnostics,
    };
  }
  if (profile.ignoredMessageCodes.includes(code))
    return {
      envelope: { ...base, ignore: `${code}^${trigger} is not used for billing` },
      message: msg,
      diagnostics,
    };
  return {
    reject: {
      code: 'HL7_UNSUPPORTED_TYPE',
      reason: `message type ${code}^${trigger} is not supported`,
      hl7Code: '200',
    },
    message: msg,
    diagnostics,
  };
}

function quarantineOf(diagnostics: Diagnostic[]): { code: string; reason: string } {
  const errors = diagnostics.filter((x) => x.severity === 'error');
  const firstErr = errors[0];
  return {
    code: firstErr?.code ?? 'HL7_UNUSABLE',
    reason: errors.map((x) => x.message).join('; ') || 'message cannot be used',
  };
}
