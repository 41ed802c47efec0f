// The sandbox's payer behaviour, pure and deterministic by seed: from one 837 file to the 999, the
// 277CA and the 835s a clearinghouse and its payers would send back. Typed values out (the x12
// writers turn them into text); no I/O, no clock (the caller passes `now`).
import { npiValid } from '../../x12/validate.js';
import type { Claim, ClaimLine, Diagnostic } from '../../../appliance/domain/types.js';
import type {
  Ack277CA,
  Ack999,
  Ack999SegmentError,
  Ack999Transaction,
  CasAdjustment,
  ClaimAck277,
  Remit835,
  RemitClaim,
  RemitService,
  Segment,
  StcStatus,
} from '../../x12/types.js';

export interface AdjudicateOptions {
  seed: number;
  /** Share of paid claims that are later reversed and re-adjudicated (CLP02 22 + a new CLP02 1). Default 0. */
  reversalRate?: number;
  /** Sandbox file id, used in payer claim numbers and trace numbers. */
  fileId: string;
  now: Date;
  /** PCNs of original claims this clearinghouse adjudicated before: a resent original is CO-18. */
  previouslySeen?: Iterable<string>;
}

/** What the 837 reader and validator made of the upload. */
export interface UploadReading {
  /** Segments of the file (for ST control numbers and 999 positions). */
  segments: Segment[];
  /** GS06 and GS08 of the uploaded group. */
  groupControlNumber: string;
  groupVersion: string;
  claims: Claim[];
  /** Reader and validator diagnostics; errors reject the transaction set they fall in. */
  diagnostics: Diagnostic[];
}

export interface ScheduledRemit {
  /** 0 for the first ERA, 1 for a later one carrying reversals. */
  wave: number;
  payerId: string;
  remit: Remit835;
}

export interface Adjudication {
  ack999: Ack999;
  /** Absent when the 999 rejected everything (a 277CA follows only accepted transaction sets). */
  ack277?: Ack277CA;
  remits: ScheduledRemit[];
  /** Per claim, for the upload reply: A accepted, R rejected, with the reason text. */
  claimResults: { pcn: string; status: 'A' | 'R'; message: string }[];
}

// ------------------------------------------------------------------ deterministic randomness

/** FNV-1a over text, then mixed with the seed: same seed + same key → same draw. */
function hash(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a tiny PRNG, enough for simulated payers. */
function rng(seed: number, key: string): () => number {
  let a = hash(seed, key);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------ 999

/** IK403 implementation data element syntax error code from a reader/validator diagnostic. */
function ik4Code(d: Diagnostic): string {
  const c = d.code.toUpperCase();
  if (/NOT_USED/.test(c)) return 'I10';
  if (/MISSING|REQUIRED|EMPTY/.test(c)) return '1';
  if (/TOO_MANY/.test(c)) return '3';
  if (/DATE/.test(c)) return '8';
  if (/TIME/.test(c)) return '9';
  if (/SHORT/.test(c)) return '4';
  if (/LONG|LENGTH/.test(c)) return '5';
  if (/AMOUNT|NUMBER|NUMERIC|DECIMAL|CHAR/.test(c)) return '6';
  return '7';
}

/** IK304 segment syntax error code. */
function ik3Code(d: Diagnostic): string {
  const c = d.code.toUpperCase();
  if (d.field) return '8';
  if (/MISSING/.test(c)) return '3';
  if (/ORDER|SEQUENCE|ORPHAN/.test(c)) return '7';
  if (/UNKNOWN|UNRECOGNIZED/.test(c)) return '1';
  if (/UNEXPECTED/.test(c)) return '2';
  return '8';
}

/** 'CLM05-3' → element 5, component 3 (IK401-1 and IK401-2). */
function elementOf(field: string | undefined): { position: number; component?: number } | undefined {
  const m = /(\d{2})(?:-(\d+))?$/.exec(field ?? '');
  if (!m) return undefined;
  const position = Number(m[1]);
  if (!(position > 0)) return undefined;
  return m[2] ? { position, component: Number(m[2]) } : { position };
}

/**
 * One AK2/IK5 per ST/SE of the upload. A diagnostic with severity 'error' whose segment falls
 * inside a transaction set rejects that set with an IK3 (and IK4 when the field is known);
 * positions are counted from ST = 1 as IK302 requires.
 */
export function acknowledge(reading: UploadReading): Ack999 {
  const sets: { control: string; version?: string; stN: number; seN: number }[] = [];
  for (const s of reading.segments) {
    if (s.el[0] === 'ST') sets.push({ control: s.el[2] ?? '', version: s.el[3], stN: s.n, seN: Infinity });
    else if (s.el[0] === 'SE' && sets.length > 0) sets[sets.length - 1]!.seN = s.n;
  }
  const errors = reading.diagnostics.filter((d) => d.severity === 'error');
  const transactions: Ack999Transaction[] = sets.map((set) => {
    const inSet = errors.filter(
      (d) => d.position !== undefined && d.position >= set.stN && d.position <= set.seN,
    );
    // One IK3 per segment and element: the reader and the validator may both flag the same spot.
    const seen = new Set<string>();
    const segmentErrors: Ack999SegmentError[] = [];
    for (const d of inSet) {
      const key = `${d.position}:${d.field ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const el = elementOf(d.field);
      segmentErrors.push({
        segmentId: d.segment ?? 'UNK',
        position: d.position! - set.stN + 1,
        code: ik3Code(d),
        elements: el ? [{ ...el, code: ik4Code(d) }] : [],
      });
    }
    return {
      setId: '837',
      controlNumber: set.control,
      ...(set.version ? { version: set.version } : {}),
      segmentErrors,
      // IK501 R with IK502 5 "one or more segments in error".
      status: segmentErrors.length > 0 ? 'R' : 'A',
      codes: segmentErrors.length > 0 ? ['5'] : [],
    };
  });
  // Errors outside any ST/SE (envelope trouble, no ST at all) reject the whole group.
  const envelopeBroken =
    sets.length === 0 ||
    errors.some(
      (d) => d.position === undefined || !sets.some((s) => d.position! >= s.stN && d.position! <= s.seN),
    );
  const accepted = envelopeBroken ? 0 : transactions.filter((t) => t.status === 'A').length;
  const status = accepted === transactions.length && accepted > 0 ? 'A' : accepted === 0 ? 'R' : 'P';
  return {
    functionalId: 'HC',
    groupControlNumber: reading.groupControlNumber,
    groupVersion: reading.groupVersion,
    transactions,
    status,
    included: transactions.length,
    received: transactions.length,
    accepted,
    groupErrors: envelopeBroken ? ['5'] : [],
  };
}

// ------------------------------------------------------------------ 277CA front-end edits

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The payer's front-end edits (2200D STC): content first, then a seeded share of member-id and
 * provider-enrollment rejections. Codes: category A7 (rejected for invalid information) with
 * claim status codes 562 (entity's NPI), 164 (entity's contract/member number), 255 (diagnosis
 * code), 187 (date of service); category A3 (returned as unprocessable) with 21 (missing or
 * invalid information) and 116 (submitted to the incorrect payer); entities 85 billing,
 * 82 rendering, IL subscriber, PR payer.
 */
function frontEndEdit(claim: Claim, seed: number, now: Date): StcStatus | undefined {
  const date = ymd(now);
  if (!npiValid(claim.billing.npi))
    return {
      category: 'A7',
      status: '562',
      entity: '85',
      action: 'U',
      message: 'Billing provider NPI invalid',
    };
  if (!/^[A-Za-z0-9-]{2,80}$/.test(claim.coverage.memberId))
    return {
      category: 'A7',
      status: '164',
      entity: 'IL',
      action: 'U',
      message: 'Subscriber member id invalid',
    };
  if (claim.diagnoses.length === 0)
    return { category: 'A7', status: '255', action: 'U', message: 'Diagnosis code missing' };
  if (claim.lines.some((l) => l.dateOfService > date))
    return { category: 'A7', status: '187', action: 'U', message: 'Date of service in the future' };
  // A replacement or void (CLM05-3 7/8) must name the claim it replaces (2300 REF*F8).
  if (claim.frequency !== '1' && !claim.originalClaimNumber)
    return { category: 'A3', status: '21', action: 'U', message: 'Original claim number missing' };
  const r = rng(seed, `277:${claim.patientControlNumber}`)();
  if (r < 0.03)
    return { category: 'A7', status: '164', entity: 'IL', action: 'U', message: 'Subscriber not found' };
  if (r < 0.045)
    return {
      category: 'A7',
      status: '562',
      entity: '82',
      action: 'U',
      message: 'Rendering provider not enrolled',
    };
  if (r < 0.055)
    return {
      category: 'A3',
      status: '116',
      entity: 'PR',
      action: 'U',
      message: 'Claim submitted to the incorrect payer',
    };
  return undefined;
}

// ------------------------------------------------------------------ 835 payer behaviour

const EM = /^992\d\d$/;

interface Denial {
  reason: string;
  rarc?: string;
}

/** Fee schedule: each payer allows a fixed share of the charge (55%..85%), by payer id and seed. */
function allowedShare(seed: number, payerId: string): number {
  return 0.55 + rng(seed, `fee:${payerId}`)() * 0.3;
}

function lineDenial(r: number, line: ClaimLine, claim: Claim, index: number): Denial | undefined {
  if (r < 0.04) return { reason: '16', rarc: 'M51' };
  if (r < 0.07 && index > 0 && claim.lines.length > 1) return { reason: '97', rarc: 'M15' };
  if (r < 0.09 && line.modifiers.length > 0) return { reason: '4', rarc: 'M78' };
  if (r < 0.11) return { reason: '50', rarc: 'N386' };
  if (r < 0.13) return { reason: '96', rarc: 'N130' };
  return undefined;
}

/** The claim-wide denial, if any: timely filing, duplicate, missing authorization. */
function claimDenial(claim: Claim, seed: number, now: Date, seen: Set<string>): Denial | undefined {
  const oldest = claim.lines.reduce((m, l) => (l.dateOfService < m ? l.dateOfService : m), '9999-12-31');
  const limit = new Date(now.getTime() - 365 * 86_400_000);
  if (oldest < ymd(limit)) return { reason: '29' };
  if (claim.frequency === '1' && seen.has(claim.patientControlNumber)) return { reason: '18' };
  const r = rng(seed, `claim:${claim.patientControlNumber}`)();
  if (r < 0.03) return { reason: '18' };
  if (r < 0.06 && !claim.priorAuthorization) return { reason: '197', rarc: 'M62' };
  return undefined;
}

function adjudicateClaim(
  claim: Claim,
  opts: AdjudicateOptions,
  payerClaimNumber: string,
  seen: Set<string>,
  share: number,
): RemitClaim {
  const r = rng(opts.seed, `lines:${claim.patientControlNumber}:${payerClaimNumber}`);
  const wholeDenial = claimDenial(claim, opts.seed, opts.now, seen);
  const deductibleLeft = { cents: r() < 0.25 ? 5000 + Math.floor(r() * 20000) : 0 };
  const coinsurance = r() < 0.5 ? 0.2 : 0;
  let copayDone = false;
  const remarks: string[] = [];
  const services: RemitService[] = claim.lines.map((line, i) => {
    const adjustments: CasAdjustment[] = [];
    const lineRemarks: string[] = [];
    const denial = wholeDenial ?? lineDenial(r(), line, claim, i);
    let paid = 0;
    if (denial) {
      adjustments.push({ group: 'CO', reason: denial.reason, amountCents: line.chargeCents });
      if (denial.rarc) lineRemarks.push(denial.rarc);
    } else {
      const allowed = Math.round(line.chargeCents * share);
      if (line.chargeCents > allowed)
        adjustments.push({ group: 'CO', reason: '45', amountCents: line.chargeCents - allowed });
      let left = allowed;
      const ded = Math.min(left, deductibleLeft.cents);
      if (ded > 0) {
        adjustments.push({ group: 'PR', reason: '1', amountCents: ded });
        deductibleLeft.cents -= ded;
        left -= ded;
      }
      if (!copayDone && EM.test(line.code) && left >= 2500) {
        adjustments.push({ group: 'PR', reason: '3', amountCents: 2500 });
        copayDone = true;
        left -= 2500;
      }
      const coins = Math.round(left * coinsurance);
      if (coins > 0) {
        adjustments.push({ group: 'PR', reason: '2', amountCents: coins });
        left -= coins;
      }
      paid = left;
    }
    // Payers often drop a modifier they do not price (25 on an E/M) and echo the line without SVC06.
    const dropModifier = line.modifiers.includes('25') && r() < 0.5;
    return {
      qualifier: claim.kind === 'dental' ? 'AD' : 'HC',
      code: line.code,
      modifiers: dropModifier ? line.modifiers.filter((m) => m !== '25') : line.modifiers,
      chargeCents: line.chargeCents,
      paidCents: paid,
      units: line.units,
      date: line.dateOfService,
      adjustments,
      // REF*6R is echoed only when the 837 sent one; claimbox's 837 does not, so lines match by procedure.
      refs: [],
      amounts: denial ? [] : [{ qualifier: 'B6', cents: paid + sumPr(adjustments) }],
      remarks: lineRemarks,
    };
  });
  if (wholeDenial?.rarc) remarks.push(wholeDenial.rarc);
  const paid = services.reduce((a, s) => a + s.paidCents, 0);
  const pr = services.reduce((a, s) => a + sumPr(s.adjustments), 0);
  const allDenied = services.every((s) => s.adjustments.some((a) => a.group === 'CO' && a.reason !== '45'));
  return {
    patientControlNumber: claim.patientControlNumber,
    // CLP02: 4 denied when nothing was allowed; else processed as primary/secondary/tertiary.
    status: allDenied && pr === 0 ? '4' : String(claim.coverage.order),
    chargeCents: claim.totalChargeCents,
    paidCents: paid,
    patientResponsibilityCents: pr,
    filingIndicator: claim.coverage.filingIndicator ?? 'CI',
    payerClaimNumber,
    facilityType: claim.placeOfService,
    frequency: claim.frequency,
    adjustments: [],
    patient: {
      lastName: claim.patient.lastName,
      firstName: claim.patient.firstName,
      memberId: claim.coverage.memberId,
    },
    renderingNpi: claim.rendering.npi,
    refs: [],
    dates: [{ qualifier: '050', date: ymd(opts.now) }],
    amounts: [],
    remarks,
    services,
  };
}

function sumPr(adjs: CasAdjustment[]): number {
  return adjs.filter((a) => a.group === 'PR').reduce((a, b) => a + b.amountCents, 0);
}

/** The same claim with every amount negated: CLP02 22 takes back an earlier payment. */
function reversalOf(c: RemitClaim): RemitClaim {
  const neg = (adjs: CasAdjustment[]) => adjs.map((a) => ({ ...a, amountCents: -a.amountCents }));
  return {
    ...c,
    status: '22',
    chargeCents: -c.chargeCents,
    paidCents: -c.paidCents,
    patientResponsibilityCents: -(c.patientResponsibilityCents ?? 0),
    adjustments: neg(c.adjustments),
    services: c.services.map((s) => ({
      ...s,
      chargeCents: -s.chargeCents,
      paidCents: -s.paidCents,
      adjustments: neg(s.adjustments),
      amounts: s.amounts.map((a) => ({ ...a, cents: -a.cents })),
    })),
  };
}

function remitFor(
  payerId: string,
  payerName: string,
  claims: RemitClaim[],
  opts: AdjudicateOptions,
  wave: number,
  billing: Claim['billing'],
): Remit835 {
  const r = rng(opts.seed, `plb:${opts.fileId}:${payerId}:${wave}`);
  const paid = claims.reduce((a, c) => a + c.paidCents, 0);
  const items: { reason: string; reference?: string; amountCents: number }[] = [];
  const draw = r();
  // PLB: L6 interest (negative: increases the payment), WO overpayment recovery (positive: reduces it).
  if (draw < 0.15)
    items.push({ reason: 'L6', reference: `INT${opts.fileId}`, amountCents: -(100 + Math.floor(r() * 400)) });
  else if (draw < 0.3 && paid > 2000)
    items.push({
      reason: 'WO',
      reference: `SBXPRIOR${opts.fileId}`,
      amountCents: Math.min(1234, paid - 1000),
    });
  const total = paid - items.reduce((a, i) => a + i.amountCents, 0);
  const trace = `SBX${opts.fileId}${payerId}${wave}`;
  const date = ymd(opts.now);
  return {
    payment: {
      // BPR01 I: remittance information only when nothing moves; C: payment with remittance.
      handling: total > 0 ? 'C' : 'H',
      amountCents: total,
      creditDebit: 'C',
      method: total > 0 ? 'ACH' : 'NON',
      date,
    },
    trace: { number: trace, originatorId: `1${String(hash(opts.seed, payerId) % 1e9).padStart(9, '0')}` },
    productionDate: date,
    // 1000A requires the payer's address (N3/N4) and technical contact (PER*BL); synthetic values.
    payer: {
      name: payerName.toUpperCase(),
      id: payerId,
      address: { line1: '1 SANDBOX WAY', city: 'TESTVILLE', state: 'TX', zip: '75001' },
      technicalContact: { name: 'SANDBOX EDI SUPPORT', phone: '5555550199' },
    },
    payee: { name: billing.name.toUpperCase(), npi: billing.npi, taxId: billing.taxId },
    claims,
    providerAdjustments:
      items.length > 0
        ? [{ providerId: billing.npi, fiscalPeriodDate: `${date.slice(0, 4)}-12-31`, items }]
        : [],
  };
}

/** From one upload to everything that comes back. */
export function adjudicate(reading: UploadReading, opts: AdjudicateOptions): Adjudication {
  const ack999 = acknowledge(reading);
  const acceptedSets = new Set(
    ack999.transactions.filter((t) => t.status === 'A').map((t) => t.controlNumber),
  );
  // Which ST each claim sat in: claims follow in file order, a CLM belongs to the last ST before it.
  const stOfClaim: string[] = [];
  let currentSt = '';
  let bht03: string | undefined;
  for (const s of reading.segments) {
    if (s.el[0] === 'ST') currentSt = s.el[2] ?? '';
    else if (s.el[0] === 'CLM') stOfClaim.push(currentSt);
    else if (s.el[0] === 'BHT') bht03 ??= s.el[3];
  }
  const claimResults: Adjudication['claimResults'] = [];
  const acceptedClaims: { claim: Claim; icn: string }[] = [];
  const ackClaims: ClaimAck277[] = [];
  reading.claims.forEach((claim, i) => {
    const pcn = claim.patientControlNumber;
    if (ack999.accepted === 0 || !acceptedSets.has(stOfClaim[i] ?? '')) {
      claimResults.push({ pcn, status: 'R', message: '999 rejected the transaction set' });
      return;
    }
    const edit = frontEndEdit(claim, opts.seed, opts.now);
    const icn = `SBX${opts.fileId}${String(i + 1).padStart(4, '0')}`;
    const firstDos = claim.lines[0]?.dateOfService;
    ackClaims.push({
      patientControlNumber: pcn,
      ...(edit ? {} : { payerClaimNumber: icn }),
      clearinghouseTrace: `${opts.fileId}-${i + 1}`,
      statuses: [
        edit ?? {
          category: 'A1',
          status: '20',
          entity: 'PR',
          action: 'WQ',
          amountCents: claim.totalChargeCents,
        },
      ],
      accepted: !edit,
      patient: {
        lastName: claim.patient.lastName,
        firstName: claim.patient.firstName,
        memberId: claim.coverage.memberId,
      },
      ...(firstDos ? { serviceDate: firstDos } : {}),
      billingProviderNpi: claim.billing.npi,
    });
    claimResults.push(
      edit
        ? {
            pcn,
            status: 'R',
            message:
              `${edit.category}:${edit.status}${edit.entity ? `:${edit.entity}` : ''} ${edit.message ?? ''}`.trim(),
          }
        : { pcn, status: 'A', message: 'A1:20 accepted for processing' },
    );
    if (!edit) acceptedClaims.push({ claim, icn });
  });

  const date = ymd(opts.now);
  const ack277: Ack277CA | undefined =
    ackClaims.length === 0
      ? undefined
      : {
          reference: opts.fileId,
          ...(bht03 ? { batchReference: bht03 } : {}),
          createdDate: date,
          source: { name: 'SANDBOX CLEARINGHOUSE', id: 'SANDBOXCH' },
          receiver: {
            name: reading.claims[0]?.billing.name ?? 'SUBMITTER',
            id: reading.claims[0]?.billing.npi ?? '',
          },
          receivedDate: date,
          processDate: date,
          batchStatuses: [{ category: 'A1', status: '19', entity: 'PR', action: 'WQ' }],
          acceptedQuantity: ackClaims.filter((c) => c.accepted).length,
          rejectedQuantity: ackClaims.filter((c) => !c.accepted).length,
          acceptedAmountCents: acceptedClaims.reduce((a, c) => a + c.claim.totalChargeCents, 0),
          rejectedAmountCents: reading.claims
            .filter((c) =>
              ackClaims.some((a) => !a.accepted && a.patientControlNumber === c.patientControlNumber),
            )
            .reduce((a, c) => a + c.totalChargeCents, 0),
          claims: ackClaims,
        };

  // One ERA per payer; reversals of a share of paid claims come in a second wave.
  const byPayer = new Map<string, { name: string; items: { claim: Claim; icn: string }[] }>();
  for (const a of acceptedClaims) {
    const p = byPayer.get(a.claim.coverage.payerId) ?? { name: a.claim.coverage.payerName, items: [] };
    p.items.push(a);
    byPayer.set(a.claim.coverage.payerId, p);
  }
  const remits: ScheduledRemit[] = [];
  const seen = new Set<string>(opts.previouslySeen ?? []);
  for (const [payerId, p] of byPayer) {
    const share = allowedShare(opts.seed, payerId);
    const first = p.items.map((a) => {
      const c = adjudicateClaim(a.claim, opts, a.icn, seen, share);
      seen.add(a.claim.patientControlNumber);
      return c;
    });
    const billing = p.items[0]!.claim.billing;
    remits.push({ wave: 0, payerId, remit: remitFor(payerId, p.name, first, opts, 0, billing) });
    const rate = opts.reversalRate ?? 0;
    if (rate > 0) {
      const again: RemitClaim[] = [];
      first.forEach((c, i) => {
        if (c.status === '22' || c.status === '4' || c.paidCents <= 0) return;
        if (rng(opts.seed, `rev:${c.patientControlNumber}`)() >= rate) return;
        const item = p.items[i]!;
        // The payer reprocesses on a corrected fee schedule: take back, then pay again.
        again.push(
          reversalOf(c),
          adjudicateClaim(item.claim, opts, `${item.icn}R`, new Set(), Math.min(1, share + 0.05)),
        );
      });
      if (again.length > 0)
        remits.push({ wave: 1, payerId, remit: remitFor(payerId, p.name, again, opts, 1, billing) });
    }
  }
  return { ack999, ...(ack277 ? { ack277 } : {}), remits, claimResults };
}
