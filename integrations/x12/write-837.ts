// 837P (005010X222A1) and 837D (005010X224A2) writer: Claim[] → one interchange, text only.
// Segments go element by element into one byte buffer (emit.ts), decoded to a string once at the
// end; SE01 is the emitter's count of terminated segments, not a tally kept beside the writing.
import type { Address, Claim, ClaimLine, Person, Practitioner } from '../../appliance/domain/types.js';
import { Emitter, type Head } from './emit.js';
import type { Envelope837 } from './types.js';
import { interchangeHead, interchangeTail, separatorsOf, stControl } from './values.js';

export const VERSION_837P = '005010X222A1';
export const VERSION_837D = '005010X224A2';

/** 2000C PAT01 individual relationship code (patient to subscriber). */
const PAT01: Record<string, string> = { spouse: '01', child: '19', other: 'G8' };

/** 2400 SV304 oral cavity designation codes (837D): quadrants and arches. */
export const ORAL_CAVITY: Record<string, string> = {
  UR: '10',
  UL: '20',
  LL: '30',
  LR: '40',
  U: '01',
  L: '02',
};

/** Bytes per claim of the bench's 837P, rounded up: the buffer rarely has to grow. */
const BYTES_PER_CLAIM = 700;

/**
 * Write one interchange (ISA/GS, one or more ST/SE, GE/IEA). All claims must be of one kind.
 * Claims sharing a billing provider (consecutive) share one 2000A billing HL; each claim has its
 * own 2000B subscriber HL and, when the patient is not the subscriber, a 2000C patient HL.
 */
export function write837(claims: Claim[], env: Envelope837): string {
  const dental = claims[0]?.kind === 'dental';
  const version = dental ? VERSION_837D : VERSION_837P;
  const sep = separatorsOf(env);
  const e = sep.element;
  const o = new Emitter(sep, 1024 + claims.length * BYTES_PER_CLAIM);
  const h = headsFor(e, sep.component);
  const head = interchangeHead(env, 'HC', version);
  const st = head.stamp;
  o.raw(head.text);
  const perSt = Math.max(1, env.claimsPerSt ?? 5000);
  let sets = 0;

  for (let from = 0; from < claims.length || (from === 0 && claims.length === 0); from += perSt) {
    const batch = claims.slice(from, from + perSt);
    const st02 = stControl(env.stStart + sets);
    sets++;
    const first = o.segments;
    o.seg(`ST${e}837${e}${st02}${e}${version}`);
    // BHT01 0019 information source/subscriber/dependent structure; BHT02 00 original; BHT06 CH chargeable.
    o.seg(`BHT${e}0019${e}00${e}${env.isaControl}${st02}${e}${st.date8}${e}${st.time4}${e}CH`);
    // 1000A submitter (PER: IC contact, TE phone, EM email), 1000B receiver.
    const con = env.submitterContact;
    o.put(h.nm141);
    o.text(env.submitterName);
    o.put(h.id46);
    o.raw(env.senderId);
    o.end();
    o.put(h.perIc);
    o.text(con.name);
    if (con.phone) {
      o.put(h.te);
      o.raw(con.phone);
    }
    if (con.email) {
      o.put(h.em);
      o.text(con.email);
    }
    o.end();
    o.put(h.nm140);
    o.text(env.receiverName);
    o.put(h.id46);
    o.raw(env.receiverId);
    o.end();
    // The claim loop only dispatches: each loop writer is its own small function, which V8
    // optimizes after a few claims instead of compiling (and on-stack replacing) one huge loop.
    const hier: Hier = { hl: 0, billingHl: 0, lastBilling: undefined };
    for (const claim of batch) {
      const b = claim.billing;
      if (!hier.lastBilling || !sameBilling(hier.lastBilling, b)) {
        hier.lastBilling = b;
        hier.billingHl = ++hier.hl;
        billingLoop(o, h, b, hier.billingHl);
      }
      subscriberLoops(o, h, claim, hier);
      claimBody(o, h, claim, dental);
    }
    o.put(h.se);
    o.int(o.segments - first + 1);
    o.el();
    o.raw(st02);
    o.end();
    if (claims.length === 0) break;
  }
  o.raw(interchangeTail(env, sets));
  return o.string();
}

/** HL numbering within one transaction set (HL01 ids, HL02 parents). */
interface Hier {
  hl: number;
  billingHl: number;
  lastBilling: Claim['billing'] | undefined;
}

function billingLoop(o: Emitter, h: Heads, b: Claim['billing'], billingHl: number): void {
  // 2000A billing provider HL (HL03 20, HL04 1: always has children), 2010AA NM1/N3/N4/REF*EI/PER.
  o.put(h.hl);
  o.int(billingHl);
  o.put(h.hl20);
  o.end();
  if (b.taxonomy) {
    o.put(h.prvBi);
    o.raw(b.taxonomy);
    o.end();
  }
  o.put(h.nm185);
  o.text(b.name);
  o.put(h.xx5);
  o.raw(b.npi);
  o.end();
  addr(o, h, b.address);
  o.put(h.refEi);
  o.raw(b.taxId);
  o.end();
  o.put(h.perIc);
  o.text(b.contactName);
  o.put(h.te);
  o.raw(b.contactPhone);
  o.end();
}

/** 2000B subscriber (2010BA, 2010BB payer) and, when the patient is someone else, 2000C patient. */
function subscriberLoops(o: Emitter, h: Heads, claim: Claim, hier: Hier): void {
  const cov = claim.coverage;
  const self = cov.relationship === 'self';
  const subscriber: Person = self ? claim.patient : (cov.subscriber ?? claim.patient);
  const subHl = ++hier.hl;
  // 2000B subscriber HL (HL03 22; HL04 1 when a 2000C patient HL follows).
  o.put(h.hl);
  o.int(subHl);
  o.el();
  o.int(hier.billingHl);
  o.put(self ? h.hl22no : h.hl22yes);
  o.end();
  // SBR01 payer responsibility P/S/T, SBR02 18 (self) only when the subscriber is the patient,
  // SBR03 group number, SBR09 claim filing indicator.
  o.put(cov.order === 1 ? h.sbrP : cov.order === 2 ? h.sbrS : h.sbrT);
  o.put(self ? h.self18 : h.e1);
  if (cov.groupNumber) o.text(cov.groupNumber);
  o.put(h.sbr09);
  o.raw(cov.filingIndicator ?? 'CI');
  o.end();
  nm1(o, h, h.nm1IL, subscriber, 'MI', cov.memberId, true);
  if (subscriber.address) addr(o, h, subscriber.address);
  if (subscriber.dob) dmg(o, h, subscriber);
  // 2010BB payer: NM108 PI payer id.
  o.put(h.nm1pr);
  o.text(cov.payerName);
  o.put(h.pi5);
  o.raw(cov.payerId);
  o.end();
  if (!self) {
    const p = claim.patient;
    // 2000C patient HL (HL03 23, HL04 0) and PAT01 relationship.
    o.put(h.hl);
    o.int(++hier.hl);
    o.el();
    o.int(subHl);
    o.put(h.hl23);
    o.end();
    o.put(h.pat);
    o.raw(PAT01[cov.relationship] ?? 'G8');
    o.end();
    nm1(o, h, h.nm1QC, p, '', '', false);
    if (p.address) addr(o, h, p.address);
    if (p.dob) dmg(o, h, p);
  }
}

/**
 * Heads per separator set, built on first use and kept. Besides saving ~50 small buffers per file,
 * this matters to V8: a second heads object from the same literal turns its fields from constant to
 * mutable, which throws away every optimized segment writer after the first file.
 */
const headsBySeparators = new Map<string, Heads>();

function headsFor(e: string, c: string): Heads {
  const key = JSON.stringify([e, c]);
  let h = headsBySeparators.get(key);
  if (!h) {
    if (headsBySeparators.size >= 16) headsBySeparators.clear();
    h = heads(e, c);
    headsBySeparators.set(key, h);
  }
  return h;
}

/** Constant segment heads and element runs for one separator set. */
function heads(e: string, c: string) {
  return {
    hl: Emitter.head(`HL${e}`),
    hl20: Emitter.head(`${e}${e}20${e}1`),
    hl22no: Emitter.head(`${e}22${e}0`),
    hl22yes: Emitter.head(`${e}22${e}1`),
    hl23: Emitter.head(`${e}23${e}0`),
    pat: Emitter.head(`PAT${e}`),
    prvBi: Emitter.head(`PRV${e}BI${e}PXC${e}`),
    nm141: Emitter.head(`NM1${e}41${e}2${e}`),
    nm140: Emitter.head(`NM1${e}40${e}2${e}`),
    id46: Emitter.head(`${e}${e}${e}${e}${e}46${e}`),
    perIc: Emitter.head(`PER${e}IC${e}`),
    te: Emitter.head(`${e}TE${e}`),
    em: Emitter.head(`${e}EM${e}`),
    nm185: Emitter.head(`NM1${e}85${e}2${e}`),
    xx5: Emitter.head(`${e}${e}${e}${e}${e}XX${e}`),
    refEi: Emitter.head(`REF${e}EI${e}`),
    sbrP: Emitter.head(`SBR${e}P${e}`),
    sbrS: Emitter.head(`SBR${e}S${e}`),
    sbrT: Emitter.head(`SBR${e}T${e}`),
    self18: Emitter.head(`18${e}`),
    e1: Emitter.head(e),
    sbr09: Emitter.head(`${e}${e}${e}${e}${e}${e}`),
    nm1pr: Emitter.head(`NM1${e}PR${e}2${e}`),
    pi5: Emitter.head(`${e}${e}${e}${e}${e}PI${e}`),
    // NM1 heads by entity identifier code (NM101), person (NM102 1) and non-person (NM102 2).
    nm1IL: nm1Head(e, 'IL'),
    nm1QC: nm1Head(e, 'QC'),
    nm1DN: nm1Head(e, 'DN'),
    nm182: nm1Head(e, '82'),
    nm177: nm1Head(e, '77'),
    e3: Emitter.head(`${e}${e}${e}`),
    e4: Emitter.head(`${e}${e}${e}${e}`),
    e5: Emitter.head(`${e}${e}${e}${e}${e}`),
    n3: Emitter.head(`N3${e}`),
    n4: Emitter.head(`N4${e}`),
    dmg: Emitter.head(`DMG${e}D8${e}`),
    clm: Emitter.head(`CLM${e}`),
    clmB: Emitter.head(`${c}B${c}`),
    clmYAYY: Emitter.head(`${e}Y${e}A${e}Y${e}Y`),
    dtp472: Emitter.head(`DTP${e}472${e}D8${e}`),
    refG1: Emitter.head(`REF${e}G1${e}`),
    refF8: Emitter.head(`REF${e}F8${e}`),
    refEa: Emitter.head(`REF${e}EA${e}`),
    hiAbk: Emitter.head(`HI${e}ABK${c}`),
    abf: Emitter.head(`${e}ABF${c}`),
    prvPe: Emitter.head(`PRV${e}PE${e}PXC${e}`),
    prvRf: Emitter.head(`PRV${e}RF${e}PXC${e}`),
    lx: Emitter.head(`LX${e}`),
    sv1: Emitter.head(`SV1${e}HC${c}`),
    sv3: Emitter.head(`SV3${e}AD${c}`),
    un: Emitter.head(`${e}UN${e}`),
    tooJp: Emitter.head(`TOO${e}JP${e}`),
    se: Emitter.head(`SE${e}`),
  };
}
type Heads = ReturnType<typeof heads>;

function nm1Head(e: string, code: string): readonly [Head, Head] {
  return [Emitter.head(`NM1${e}${code}${e}1${e}`), Emitter.head(`NM1${e}${code}${e}2${e}`)];
}

// NM1 (`head` from nm1Head): 02 entity type (1 person, 2 non-person), 03-05 name, 08/09 id qualifier and id; no trailing
// separators. `cleanId`: the id is typed by people (member id) rather than checked (NPI).
function nm1(
  o: Emitter,
  h: Heads,
  head: readonly [Head, Head],
  p: { lastName: string; firstName?: string; middleName?: string },
  q: string,
  id: string,
  cleanId: boolean,
): void {
  if (p.firstName) {
    o.put(head[0]);
    o.text(p.lastName);
    o.el();
    o.text(p.firstName);
    if (q) {
      o.el();
      if (p.middleName) o.text(p.middleName);
      o.put(h.e3);
    } else if (p.middleName) {
      o.el();
      o.text(p.middleName);
    }
  } else {
    o.put(head[1]);
    o.text(p.lastName);
    if (q) o.put(h.e5);
  }
  if (q) {
    o.raw(q);
    o.el();
    if (cleanId) o.text(id);
    else o.raw(id);
  }
  o.end();
}

function addr(o: Emitter, h: Heads, a: Address): void {
  o.put(h.n3);
  o.text(a.line1);
  if (a.line2) {
    o.el();
    o.text(a.line2);
  }
  o.end();
  o.put(h.n4);
  o.text(a.city);
  o.el();
  o.raw(a.state);
  o.el();
  o.raw(a.zip);
  o.end();
}

function dmg(o: Emitter, h: Heads, p: Person): void {
  o.put(h.dmg);
  o.d8(p.dob);
  o.el();
  o.raw(p.sex);
  o.end();
}

// 2310A referring carries PRV*RF only in the 837D; 2310B rendering carries PRV*PE in both guides.
function prov(o: Emitter, h: Heads, code: '82' | 'DN', p: Practitioner, dental: boolean): void {
  nm1(o, h, code === '82' ? h.nm182 : h.nm1DN, p, 'XX', p.npi, false);
  if (p.taxonomy && (code === '82' || dental)) {
    o.put(code === '82' ? h.prvPe : h.prvRf);
    o.raw(p.taxonomy);
    o.end();
  }
}

function sameBilling(a: Claim['billing'], b: Claim['billing']): boolean {
  return (
    a === b ||
    (a.npi === b.npi &&
      a.name === b.name &&
      a.taxId === b.taxId &&
      a.taxonomy === b.taxonomy &&
      a.contactName === b.contactName &&
      a.contactPhone === b.contactPhone &&
      a.address.line1 === b.address.line1 &&
      a.address.line2 === b.address.line2 &&
      a.address.city === b.address.city &&
      a.address.state === b.address.state &&
      a.address.zip === b.address.zip)
  );
}

function allSameDate(claim: Claim): string | undefined {
  const first = claim.lines[0]?.dateOfService;
  if (!first) return undefined;
  for (const l of claim.lines) if (l.dateOfService !== first) return undefined;
  return first;
}

/** 2300 claim, 2310x providers, 2400 lines. */
function claimBody(o: Emitter, h: Heads, claim: Claim, dental: boolean): void {
  // CLM05 C023: place of service : B (professional/dental POS code set) : frequency (CLM05-3).
  // CLM06 provider signature Y, CLM07 assignment A, CLM08 benefits assigned Y, CLM09 release Y.
  o.put(h.clm);
  o.text(claim.patientControlNumber);
  o.el();
  o.money(claim.totalChargeCents);
  o.put(h.e3);
  o.raw(claim.placeOfService);
  o.put(h.clmB);
  o.raw(claim.frequency);
  o.put(h.clmYAYY);
  o.end();
  const claimDate = dental ? allSameDate(claim) : undefined;
  if (claimDate) {
    // 837D 2300 DTP*472: service date at claim level when every line shares it.
    o.put(h.dtp472);
    o.d8(claimDate);
    o.end();
  }
  if (claim.priorAuthorization) {
    o.put(h.refG1);
    o.text(claim.priorAuthorization);
    o.end();
  }
  if (claim.originalClaimNumber && claim.frequency !== '1') {
    // 2300 REF*F8 payer claim control number, required for frequency 7 (replace) and 8 (void).
    o.put(h.refF8);
    o.text(claim.originalClaimNumber);
    o.end();
  }
  if (!dental && claim.patient.mrn) {
    // 837P 2300 REF*EA medical record number (the 837D has no such REF).
    o.put(h.refEa);
    o.text(claim.patient.mrn);
    o.end();
  }
  const dx = claim.diagnoses;
  if (dx.length > 0) {
    // HI01 ABK principal diagnosis, HI02.. ABF other diagnoses.
    o.put(h.hiAbk);
    o.raw(dx[0]!);
    for (let i = 1; i < dx.length; i++) {
      o.put(h.abf);
      o.raw(dx[i]!);
    }
    o.end();
  }
  if (claim.referring) prov(o, h, 'DN', claim.referring, dental);
  // 2310B only when the rendering provider differs from 2010AA (IG situational rule).
  if (claim.rendering.npi !== claim.billing.npi) prov(o, h, '82', claim.rendering, dental);
  if (claim.facility) {
    const f = claim.facility;
    nm1(o, h, h.nm177, { lastName: f.name }, f.npi ? 'XX' : '', f.npi ?? '', false);
    addr(o, h, f.address);
  }
  const lines = claim.lines;
  for (let i = 0; i < lines.length; i++) {
    o.put(h.lx);
    o.int(i + 1);
    o.end();
    if (dental) serviceLine837D(o, h, lines[i]!, !claimDate);
    else serviceLine837P(o, h, lines[i]!);
  }
}

/** 2400 SV1 professional service and DTP*472 service date. */
function serviceLine837P(o: Emitter, h: Heads, l: ClaimLine): void {
  // SV1: 01 HC:code:mods, 02 charge, 03 UN, 04 units, 07 pointers.
  o.put(h.sv1);
  o.raw(l.code);
  for (const m of l.modifiers) {
    o.comp();
    o.raw(m);
  }
  o.el();
  o.money(l.chargeCents);
  o.put(h.un);
  o.qty(l.units);
  if (l.diagnosisPointers.length > 0) {
    o.put(h.e3);
    pointers(o, l.diagnosisPointers);
  }
  o.end();
  o.put(h.dtp472);
  o.d8(l.dateOfService);
  o.end();
}

/** 2400 SV3 dental service, TOO tooth, and DTP*472 unless the date is at claim level. */
function serviceLine837D(o: Emitter, h: Heads, l: ClaimLine, lineDate: boolean): void {
  // SV3: 01 AD:code:mods, 02 charge, 03 POS (claim's), 04 oral cavity, 05 prosthesis, 06 units, 11 pointers.
  o.put(h.sv3);
  o.raw(l.code);
  for (const m of l.modifiers) {
    o.comp();
    o.raw(m);
  }
  o.el();
  o.money(l.chargeCents);
  o.el();
  o.el();
  if (l.areas && l.areas.length > 1)
    l.areas.forEach((a, i) => {
      if (i > 0) o.comp();
      o.raw(ORAL_CAVITY[a] ?? a);
    });
  else if (l.area) o.raw(ORAL_CAVITY[l.area] ?? l.area);
  o.el();
  o.el();
  o.qty(l.units);
  if (l.diagnosisPointers.length > 0) {
    o.put(h.e5);
    pointers(o, l.diagnosisPointers);
  }
  o.end();
  if (l.tooth) {
    // TOO02 tooth number (JP universal numbering), TOO03 surfaces one per component.
    o.put(h.tooJp);
    o.raw(l.tooth);
    const s = l.surfaces;
    if (s) {
      o.el();
      for (let k = 0; k < s.length; k++) {
        if (k > 0) o.comp();
        o.unit(s.charCodeAt(k));
      }
    }
    o.end();
  }
  if (lineDate) {
    o.put(h.dtp472);
    o.d8(l.dateOfService);
    o.end();
  }
}

/** SV107 / SV311 diagnosis code pointers, one per component. */
function pointers(o: Emitter, ptrs: number[]): void {
  for (let k = 0; k < ptrs.length; k++) {
    if (k > 0) o.comp();
    o.int(ptrs[k]!);
  }
}
