// The yardstick the issue names for writing ("template-string generation reaches about 230 MB/s"): the
// same 837P segments as write837 made with template literals, with none of the writer's work
// (no separator escaping or character checks, no control numbers kept, money by toFixed, no envelope
// options). Bench only: its output is not meant to be sent anywhere.
import type { Address, Claim, Person } from '../../appliance/domain/types.js';
import type { Envelope837 } from './types.js';

const d8 = (iso: string) => iso.replaceAll('-', '');
const money = (cents: number) => (cents / 100).toFixed(2);
const addr = (a: Address) => `N3*${a.line1}~N4*${a.city}*${a.state}*${a.zip}~`;
const dmg = (p: Person) => (p.dob ? `DMG*D8*${d8(p.dob)}*${p.sex ?? 'U'}~` : '');

/**
 * 837P text for `claims` by template literals appended with `+=` (elements '*', components ':',
 * terminator '~'). The result is V8's rope of the pieces, never flattened into one string or into bytes
 * here (write837 returns flat text): the fastest form of the yardstick, so a ceiling for it.
 */
export function templateWrite837P(claims: Claim[], env: Envelope837): string {
  let out =
    `ISA*00*          *00*          *ZZ*${env.senderId.padEnd(15)}*ZZ*${env.receiverId.padEnd(15)}*261102*0930*^*00501*${String(env.isaControl).padStart(9, '0')}*0*T*:~` +
    `GS*HC*${env.senderId}*${env.receiverId}*20261102*0930*${env.isaControl}*X*005010X222A1~` +
    `ST*837*0001*005010X222A1~BHT*0019*00*${env.isaControl}0001*20261102*0930*CH~` +
    `NM1*41*2*${env.submitterName}*****46*${env.senderId}~PER*IC*${env.submitterContact.name}*TE*${env.submitterContact.phone ?? ''}~` +
    `NM1*40*2*${env.receiverName}*****46*${env.receiverId}~`;
  let hl = 0;
  let billingHl = 0;
  let lastNpi = '';
  for (const c of claims) {
    const b = c.billing;
    if (b.npi !== lastNpi) {
      lastNpi = b.npi;
      billingHl = ++hl;
      out += `HL*${billingHl}**20*1~PRV*BI*PXC*${b.taxonomy ?? ''}~NM1*85*2*${b.name}*****XX*${b.npi}~${addr(b.address)}REF*EI*${b.taxId}~PER*IC*${b.contactName}*TE*${b.contactPhone}~`;
    }
    const cov = c.coverage;
    const self = cov.relationship === 'self';
    const sub = self ? c.patient : (cov.subscriber ?? c.patient);
    const subHl = ++hl;
    out += `HL*${subHl}*${billingHl}*22*${self ? 0 : 1}~SBR*P*${self ? '18' : ''}*${cov.groupNumber ?? ''}******${cov.filingIndicator ?? 'CI'}~`;
    out += `NM1*IL*1*${sub.lastName}*${sub.firstName ?? ''}****MI*${cov.memberId}~${sub.address ? addr(sub.address) : ''}${dmg(sub)}`;
    out += `NM1*PR*2*${cov.payerName}*****PI*${cov.payerId}~`;
    if (!self) {
      const p = c.patient;
      out += `HL*${++hl}*${subHl}*23*0~PAT*19~NM1*QC*1*${p.lastName}*${p.firstName ?? ''}~${p.address ? addr(p.address) : ''}${dmg(p)}`;
    }
    out += `CLM*${c.patientControlNumber}*${money(c.totalChargeCents)}***${c.placeOfService}:B:${c.frequency}*Y*A*Y*Y~`;
    if (c.priorAuthorization) out += `REF*G1*${c.priorAuthorization}~`;
    if (c.originalClaimNumber) out += `REF*F8*${c.originalClaimNumber}~`;
    if (c.patient.mrn) out += `REF*EA*${c.patient.mrn}~`;
    out += `HI*ABK:${c.diagnoses[0] ?? ''}`;
    for (let i = 1; i < c.diagnoses.length; i++) out += `*ABF:${c.diagnoses[i]!}`;
    out += '~';
    if (c.referring)
      out += `NM1*DN*1*${c.referring.lastName}*${c.referring.firstName ?? ''}****XX*${c.referring.npi}~`;
    if (c.rendering.npi !== b.npi)
      out += `NM1*82*1*${c.rendering.lastName}*${c.rendering.firstName ?? ''}****XX*${c.rendering.npi}~PRV*PE*PXC*${c.rendering.taxonomy ?? ''}~`;
    for (let i = 0; i < c.lines.length; i++) {
      const l = c.lines[i]!;
      out += `LX*${i + 1}~SV1*HC:${l.code}${l.modifiers.length ? `:${l.modifiers.join(':')}` : ''}*${money(l.chargeCents)}*UN*${l.units}***${l.diagnosisPointers.join(':')}~DTP*472*D8*${d8(l.dateOfService)}~`;
    }
  }
  return `${out}SE*0*0001~GE*1*${env.isaControl}~IEA*1*${String(env.isaControl).padStart(9, '0')}~`;
}
