// 837P (005010X222A1) and 837D (005010X224A2) writer: Claim[] → one interchange, text only.
// Template strings joined once: the whole 1,000-claim file is built without intermediate objects.
import type { Address, Claim, ClaimLine, Person, Practitioner } from '../../appliance/domain/types.js';
import type { Envelope837 } from './types.js';
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
  const c = sep.component;
  const t = sep.segment;
  const clean = makeClean(sep);
  const head = interchangeHead(env, 'HC', version);
  const st = head.stamp;
  const out: string[] = [head.text];
  const perSt = Math.max(1, env.claimsPerSt ?? 5000);
  let sets = 0;

  const w: Writer = { e, c, t, clean, dental, h: heads(e, c) };
  const h = w.h;

  for (let from = 0; from < claims.length || (from === 0 && claims.length === 0); from += perSt) {
    const batch = claims.slice(from, from + perSt);
    const st02 = stControl(env.stStart + sets);
    sets++;
    const seg: string[] = [];
    seg.push(`ST${e}837${e}${st02}${e}${version}`);
    // BHT01 0019 information source/subscriber/dependent structure; BHT02 00 original; BHT06 CH chargeable.
    seg.push(`BHT${e}0019${e}00${e}${env.isaControl}${st02}${e}${st.date8}${e}${st.time4}${e}CH`);
    // 1000A submitter, 1000B receiver.
    const con = env.submitterContact;
    seg.push(`NM1${e}41${e}2${e}${clean(env.submitterName)}${e}${e}${e}${e}${e}46${e}${env.senderId}`);
    seg.push(
      `PER${e}IC${e}${clean(con.name)}${con.phone ? `${e}TE${e}${con.phone}` : ''}${con.email ? `${e}EM${e}${clean(con.email)}` : ''}`,
    );
    seg.push(`NM1${e}40${e}2${e}${clean(env.receiverName)}${e}${e}${e}${e}${e}46${e}${env.receiverId}`);
    let body = seg.join(t) + t;
    let count = seg.length;
    let hl = 0;
    let billingHl = 0;
    let lastBilling: Claim['billing'] | undefined;
    // One flat string per claim (joined as soon as it is complete): the pieces die young instead of
    // surviving as a file-long rope until the end, which is what the garbage collector pays for.
    const chunks: string[] = [];
    for (const claim of batch) {
      const parts: string[] = [];
      const b = claim.billing;
      if (!lastBilling || !sameBilling(lastBilling, b)) {
        lastBilling = b;
        billingHl = ++hl;
        // 2000A billing provider HL (HL03 20, always has children), 2010AA.
        parts.push(`${h.hl}${billingHl}${e}${e}20${e}1${t}`);
        count++;
        if (b.taxonomy) {
          parts.push(`PRV${e}BI${e}PXC${e}${b.taxonomy}${t}`);
          count++;
        }
        parts.push(
          `NM1${e}85${e}2${e}${clean(b.name)}${e}${e}${e}${e}${e}XX${e}${b.npi}${t}${addr(w, b.address)}REF${e}EI${e}${b.taxId}${t}`,
        );
        parts.push(`PER${e}IC${e}${clean(b.contactName)}${e}TE${e}${b.contactPhone}${t}`);
        count += 5;
      }
      const cov = claim.coverage;
      const self = cov.relationship === 'self';
      const subscriber: Person = self ? claim.patient : (cov.subscriber ?? claim.patient);
      const subHl = ++hl;
      // 2000B subscriber HL; HL04 1 when a 2000C patient HL follows.
      parts.push(`${h.hl}${subHl}${e}${billingHl}${e}22${e}${self ? 0 : 1}${t}`);
      parts.push(
        `${h.sbr}${cov.order === 1 ? 'P' : cov.order === 2 ? 'S' : 'T'}${e}${self ? '18' : ''}${e}${cov.groupNumber ? clean(cov.groupNumber) : ''}${e}${e}${e}${e}${e}${e}${cov.filingIndicator ?? 'CI'}${t}`,
      );
      parts.push(`${nm1(w, 'IL', subscriber, 'MI', clean(cov.memberId))}${t}`);
      count += 3;
      if (subscriber.address) {
        parts.push(addr(w, subscriber.address));
        count += 2;
      }
      if (subscriber.dob) {
        parts.push(dmg(w, subscriber));
        count++;
      }
      parts.push(`${h.nm1pr}${clean(cov.payerName)}${h.pi}${cov.payerId}${t}`);
      count++;
      if (!self) {
        const p = claim.patient;
        parts.push(`${h.hl}${++hl}${e}${subHl}${e}23${e}0${t}PAT${e}${PAT01[cov.relationship] ?? 'G8'}${t}`);
        parts.push(`${nm1(w, 'QC', p, '', '')}${t}`);
        count += 3;
        if (p.address) {
          parts.push(addr(w, p.address));
          count += 2;
        }
        if (p.dob) {
          parts.push(dmg(w, p));
          count++;
        }
      }
      count += claimBody(parts, claim, w);
      chunks.push(parts.join(''));
    }
    body += chunks.join('');
    count++; // SE
    out.push(body, `SE${e}${count}${e}${st02}${t}`);
    if (claims.length === 0) break;
  }
  out.push(interchangeTail(env, sets));
  return out.join('');
}

/** What the segment helpers need: the separators, the free-text cleaner and the guide. */
interface Writer {
  e: string;
  c: string;
  t: string;
  clean: (v: string) => string;
  dental: boolean;
  h: Heads;
}

/** Constant segment heads for one separator set, built once per file rather than once per segment. */
function heads(e: string, c: string) {
  return {
    hl: `HL${e}`,
    sbr: `SBR${e}`,
    nm1: `NM1${e}`,
    nm1pr: `NM1${e}PR${e}2${e}`,
    pi: `${e}${e}${e}${e}${e}PI${e}`,
    n3: `N3${e}`,
    n4: `N4${e}`,
    dmg: `DMG${e}D8${e}`,
    clm: `CLM${e}`,
    refEa: `REF${e}EA${e}`,
    lx: `LX${e}`,
    sv1: `SV1${e}HC${c}`,
    sv3: `SV3${e}AD${c}`,
    un: `${e}UN${e}`,
    dtp472: `DTP${e}472${e}D8${e}`,
  };
}
type Heads = ReturnType<typeof heads>;

// NM1: 02 entity type (1 person, 2 non-person), 03-05 name, 08/09 id qualifier and id; no trailing separators.
function nm1(
  w: Writer,
  code: string,
  p: { lastName: string; firstName?: string; middleName?: string },
  q: string,
  id: string,
): string {
  const { e, clean } = w;
  if (p.firstName) {
    const mid = p.middleName ? clean(p.middleName) : '';
    const base = `${w.h.nm1}${code}${e}1${e}${clean(p.lastName)}${e}${clean(p.firstName)}`;
    return q ? `${base}${e}${mid}${e}${e}${e}${q}${e}${id}` : mid ? `${base}${e}${mid}` : base;
  }
  const base = `${w.h.nm1}${code}${e}2${e}${clean(p.lastName)}`;
  return q ? `${base}${e}${e}${e}${e}${e}${q}${e}${id}` : base;
}

function addr(w: Writer, a: Address): string {
  const { e, t, clean } = w;
  return `${w.h.n3}${clean(a.line1)}${a.line2 ? e + clean(a.line2) : ''}${t}${w.h.n4}${clean(a.city)}${e}${a.state}${e}${a.zip}${t}`;
}

function dmg(w: Writer, p: Person): string {
  const { e, t } = w;
  return p.dob ? `${w.h.dmg}${d8(p.dob)}${e}${p.sex}${t}` : '';
}

// 2310A referring carries PRV*RF only in the 837D; 2310B rendering carries PRV*PE in both guides.
function prov(w: Writer, code: string, p: Practitioner): string {
  const { e, t } = w;
  return `${nm1(w, code, p, 'XX', p.npi)}${t}${p.taxonomy && (code === '82' || w.dental) ? `PRV${e}${code === '82' ? 'PE' : 'RF'}${e}PXC${e}${p.taxonomy}${t}` : ''}`;
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

function allSameDate(lines: ClaimLine[]): string | undefined {
  const first = lines[0]?.dateOfService;
  if (!first) return undefined;
  for (const l of lines) if (l.dateOfService !== first) return undefined;
  return first;
}

/** 2300 claim, 2310x providers, 2400 lines, pushed onto `parts`; returns the segment count. */
function claimBody(parts: string[], claim: Claim, w: Writer): number {
  const { e, c, t, clean, dental, h } = w;
  // CLM05 C023: place of service : B (professional/dental POS code set) : frequency (CLM05-3).
  // CLM06 provider signature Y, CLM07 assignment A, CLM08 benefits assigned Y, CLM09 release Y.
  parts.push(
    `${h.clm}${clean(claim.patientControlNumber)}${e}${money(claim.totalChargeCents)}${e}${e}${e}${claim.placeOfService}${c}B${c}${claim.frequency}${e}Y${e}A${e}Y${e}Y${t}`,
  );
  let n = 1;
  const claimDate = dental ? allSameDate(claim.lines) : undefined;
  if (claimDate) {
    // 837D 2300 DTP*472: service date at claim level when every line shares it.
    parts.push(`${h.dtp472}${d8(claimDate)}${t}`);
    n++;
  }
  if (claim.priorAuthorization) {
    parts.push(`REF${e}G1${e}${clean(claim.priorAuthorization)}${t}`);
    n++;
  }
  if (claim.originalClaimNumber && claim.frequency !== '1') {
    // 2300 REF*F8 payer claim control number, required for frequency 7 (replace) and 8 (void).
    parts.push(`REF${e}F8${e}${clean(claim.originalClaimNumber)}${t}`);
    n++;
  }
  if (!dental && claim.patient.mrn) {
    // 837P 2300 REF*EA medical record number (the 837D has no such REF).
    parts.push(`${h.refEa}${clean(claim.patient.mrn)}${t}`);
    n++;
  }
  if (claim.diagnoses.length > 0) {
    let hi = `HI${e}ABK${c}${claim.diagnoses[0]}`;
    for (let i = 1; i < claim.diagnoses.length; i++) hi += `${e}ABF${c}${claim.diagnoses[i]}`;
    parts.push(hi + t);
    n++;
  }
  if (claim.referring) {
    parts.push(prov(w, 'DN', claim.referring));
    n += claim.referring.taxonomy && dental ? 2 : 1;
  }
  if (claim.rendering.npi !== claim.billing.npi) {
    // 2310B only when the rendering provider differs from 2010AA (IG situational rule).
    parts.push(prov(w, '82', claim.rendering));
    n += claim.rendering.taxonomy ? 2 : 1;
  }
  if (claim.facility) {
    const f = claim.facility;
    parts.push(
      `${nm1(w, '77', { lastName: f.name }, f.npi ? 'XX' : '', f.npi ?? '')}${t}${addr(w, f.address)}`,
    );
    n += 3;
  }
  for (let i = 0; i < claim.lines.length; i++) {
    const l = claim.lines[i]!;
    const ptr = l.diagnosisPointers.join(c);
    let mods = '';
    for (const m of l.modifiers) mods += c + m;
    parts.push(`${h.lx}${i + 1}${t}`);
    if (dental) {
      // SV3: 01 AD:code:mods, 02 charge, 03 POS (claim's), 04 oral cavity, 05 prosthesis, 06 units, 11 pointers.
      const area = l.area ? (ORAL_CAVITY[l.area] ?? l.area) : '';
      parts.push(`${h.sv3}${l.code}${mods}${e}${money(l.chargeCents)}${e}${e}${area}${e}${e}${qty(l.units)}`);
      parts.push(ptr ? `${e}${e}${e}${e}${e}${ptr}${t}` : t);
      let k = 2;
      if (l.tooth) {
        const surf = l.surfaces ? e + l.surfaces.split('').join(c) : '';
        parts.push(`TOO${e}JP${e}${l.tooth}${surf}${t}`);
        k++;
      }
      if (!claimDate) {
        parts.push(`${h.dtp472}${d8(l.dateOfService)}${t}`);
        k++;
      }
      n += k;
    } else {
      // SV1: 01 HC:code:mods, 02 charge, 03 UN, 04 units, 05 POS (only when it differs), 07 pointers.
      parts.push(
        `${h.sv1}${l.code}${mods}${e}${money(l.chargeCents)}${h.un}${qty(l.units)}${ptr ? `${e}${e}${e}${ptr}` : ''}${t}`,
      );
      parts.push(`${h.dtp472}${d8(l.dateOfService)}${t}`);
      n += 3;
    }
  }
  return n;
}
