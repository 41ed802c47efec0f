// Remittance, pure: what a 999, a 277CA or an 835 means for our claims. No I/O and no SQL; the
// store glue calls these with documents the x12 reader produced and claims it looked up.
//
// The input shapes below are the fields this stage reads from the x12 reader's typed documents
// (integrations/x12/types.ts: Ack999, Ack277CA, Remit835). They are declared structurally here
// because the core never imports integrations (ARCHITECTURE.md "Boundaries"); the reader's values
// are assignable to them as they are.
import {
  adjustmentKind,
  classifyCarc,
  describeRarc,
  type AdjustmentKind,
  type DenialCategory,
} from '../domain/carc.js';
import type { ClaimStatus } from '../domain/types.js';

// ------------------------------------------------------------------ inputs (structural)

export interface RemitAdjustmentIn {
  /** CAS01: CO, PR, OA, PI, CR. */
  group: string;
  /** CAS02/05/...: CARC. */
  reason: string;
  amountCents: number;
  quantity?: number;
}

export interface RemitServiceIn {
  qualifier?: string;
  /** SVC01-2 adjudicated procedure code, SVC01-3.. modifiers. */
  code: string;
  modifiers: string[];
  /** SVC02 line charge, SVC03 line paid. */
  chargeCents: number;
  paidCents: number;
  units?: number;
  /** SVC06: the procedure as billed, when the payer adjudicated a different one. */
  submitted?: { qualifier?: string; code: string; modifiers: string[] };
  submittedUnits?: number;
  /** DTM*472 service date 'YYYY-MM-DD'. */
  date?: string;
  adjustments: RemitAdjustmentIn[];
  /** REF*6R line item control number, among others. */
  refs?: { qualifier: string; value: string }[];
  /** LQ*HE remark codes. */
  remarks: string[];
}

export interface RemitClaimIn {
  /** CLP01 = our 2300 CLM01. */
  patientControlNumber: string;
  /** CLP02: 1/2/3 processed as primary/secondary/tertiary, 4 denied, 19-21 processed and forwarded, 22 reversal. */
  status: string;
  chargeCents: number;
  paidCents: number;
  /** CLP05. */
  patientResponsibilityCents?: number;
  /** CLP07 payer claim control number (needed for a replacement claim's REF*F8). */
  payerClaimNumber?: string;
  /** Claim-level CAS. */
  adjustments: RemitAdjustmentIn[];
  /** MOA remark codes. */
  remarks: string[];
  services: RemitServiceIn[];
}

export interface RemitDocumentIn {
  payment: { amountCents: number; handling?: string; creditDebit?: string; method?: string; date?: string };
  trace: { number: string; originatorId?: string };
  /** 1000A payer (N104 / REF*2U id). */
  payer?: { name: string; id?: string };
  claims: RemitClaimIn[];
  /** PLB: a positive amount reduces the payment, a negative one (e.g. L6 interest) increases it. */
  providerAdjustments: {
    providerId: string;
    items: { reason: string; reference?: string; amountCents: number }[];
  }[];
}

export interface Ack999In {
  groupControlNumber: string;
  /** AK9-01: A accepted, E accepted with errors, P partially accepted, R rejected. */
  status: string;
  /** AK905..AK909 functional group syntax error codes. */
  groupErrors?: string[];
  transactions: {
    /** AK2-02: ST02 of the acknowledged 837 transaction set. */
    controlNumber: string;
    /** IK5-01: A, E, M, R, W, X. */
    status: string;
    codes: string[];
    segmentErrors: {
      segmentId: string;
      position: number;
      loopId?: string;
      code: string;
      claimRef?: string;
      elements: { position: number; code: string; badValue?: string }[];
    }[];
  }[];
}

export interface StcIn {
  category: string;
  status: string;
  entity?: string;
  action?: string;
  /** STC10 / STC11: further statuses of the same loop. */
  more?: { category: string; status: string; entity?: string }[];
  message?: string;
}

/** A 2220D service line status (procedure, REF*FJ line item control number, STC). */
export interface ServiceAckIn {
  procedure?: { qualifier?: string; code: string; modifiers: string[] };
  lineControl?: string;
  statuses: StcIn[];
}

export interface Ack277CAIn {
  /** 2200B STC: the status of the whole submitted file. */
  batchStatuses: StcIn[];
  /** 2200B TRN02: the BHT03 of the 837 it answers. */
  batchReference?: string;
  /** 2000C/2200C provider levels and their statuses. */
  providers?: { provider: { qualifier: string; id: string }; name?: string; statuses: StcIn[] }[];
  claims: {
    patientControlNumber: string;
    payerClaimNumber?: string;
    statuses: StcIn[];
    lines?: ServiceAckIn[];
  }[];
}

/** A TA1: the envelope of our interchange TA101 (= batches.isaControl), accepted or not. */
export interface InterchangeAckIn {
  controlNumber: string;
  /** TA104: A, E (accepted, errors noted) or R (the whole interchange rejected). */
  status: string;
  noteCode: string;
  noteText: string;
}

// ------------------------------------------------------------------ reconciliation

export type ReconcileCode =
  | 'CLAIM_UNBALANCED'
  | 'LINE_UNBALANCED'
  | 'PATIENT_RESPONSIBILITY_MISMATCH'
  | 'LINE_CHARGES_MISMATCH'
  | 'PAYMENT_TOTAL_MISMATCH';

export interface ReconcileProblem {
  code: ReconcileCode;
  /** error: the file is held and not posted; warning: shown to the reviewer. */
  severity: 'error' | 'warning';
  message: string;
  /** CLP01 of the claim concerned. */
  patientControlNumber?: string;
  /** 0-based index of the SVC within its claim. */
  serviceIndex?: number;
  expectedCents: number;
  actualCents: number;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const adjTotal = (adjs: readonly RemitAdjustmentIn[]): number => sum(adjs.map((a) => a.amountCents));
const dollars = (cents: number): string => (cents / 100).toFixed(2);

/**
 * The balancing rules of the 835 guide (005010X221A1 section 1.10.2), to the cent:
 * - service: SVC02 − Σ line CAS = SVC03;
 * - claim: CLP03 − Σ claim CAS − Σ line CAS = CLP04;
 * - transaction: BPR02 = Σ CLP04 − Σ PLB amounts.
 * Also warns when CLP05 differs from the PR adjustments, or line charges do not add up to CLP03.
 * Any 'error' means the file must be held, not posted.
 */
export function reconcile835(doc: RemitDocumentIn): ReconcileProblem[] {
  const problems: ReconcileProblem[] = [];
  for (const claim of doc.claims) {
    const pcn = claim.patientControlNumber;
    const lineAdj = sum(claim.services.map((s) => adjTotal(s.adjustments)));
    const adjusted = adjTotal(claim.adjustments) + lineAdj;
    if (claim.chargeCents - adjusted !== claim.paidCents)
      problems.push({
        code: 'CLAIM_UNBALANCED',
        severity: 'error',
        message: `claim ${pcn}: charge ${dollars(claim.chargeCents)} − adjustments ${dollars(adjusted)} ≠ paid ${dollars(claim.paidCents)}`,
        patientControlNumber: pcn,
        expectedCents: claim.chargeCents - adjusted,
        actualCents: claim.paidCents,
      });
    claim.services.forEach((svc, i) => {
      const adj = adjTotal(svc.adjustments);
      if (svc.chargeCents - adj !== svc.paidCents)
        problems.push({
          code: 'LINE_UNBALANCED',
          severity: 'error',
          message: `claim ${pcn} line ${i + 1} (${svc.code}): charge ${dollars(svc.chargeCents)} − adjustments ${dollars(adj)} ≠ paid ${dollars(svc.paidCents)}`,
          patientControlNumber: pcn,
          serviceIndex: i,
          expectedCents: svc.chargeCents - adj,
          actualCents: svc.paidCents,
        });
    });
    if (claim.services.length > 0) {
      const lineCharges = sum(claim.services.map((s) => s.chargeCents));
      if (lineCharges !== claim.chargeCents)
        problems.push({
          code: 'LINE_CHARGES_MISMATCH',
          severity: 'warning',
          message: `claim ${pcn}: line charges ${dollars(lineCharges)} ≠ claim charge ${dollars(claim.chargeCents)}`,
          patientControlNumber: pcn,
          expectedCents: claim.chargeCents,
          actualCents: lineCharges,
        });
    }
    if (claim.patientResponsibilityCents !== undefined) {
      const pr = patientShare(claim);
      if (pr !== claim.patientResponsibilityCents)
        problems.push({
          code: 'PATIENT_RESPONSIBILITY_MISMATCH',
          severity: 'warning',
          message: `claim ${pcn}: CLP05 ${dollars(claim.patientResponsibilityCents)} ≠ PR adjustments ${dollars(pr)}`,
          patientControlNumber: pcn,
          expectedCents: pr,
          actualCents: claim.patientResponsibilityCents,
        });
    }
  }
  const paid = sum(doc.claims.map((c) => c.paidCents));
  const plb = sum(doc.providerAdjustments.flatMap((p) => p.items.map((i) => i.amountCents)));
  if (paid - plb !== doc.payment.amountCents)
    problems.push({
      code: 'PAYMENT_TOTAL_MISMATCH',
      severity: 'error',
      message: `BPR02 ${dollars(doc.payment.amountCents)} ≠ claims paid ${dollars(paid)} − provider adjustments ${dollars(plb)}`,
      expectedCents: paid - plb,
      actualCents: doc.payment.amountCents,
    });
  return problems;
}

/** Σ PR adjustments at claim and line level: what the patient owes. */
function patientShare(claim: RemitClaimIn): number {
  const pr = (adjs: readonly RemitAdjustmentIn[]) =>
    sum(adjs.filter((a) => a.group === 'PR').map((a) => a.amountCents));
  return pr(claim.adjustments) + sum(claim.services.map((s) => pr(s.adjustments)));
}

// ------------------------------------------------------------------ line matching

/** One line of the claim as we billed it (2400 loop). */
export interface BilledLine {
  /** 2400 LX01. */
  lineNumber: number;
  code: string;
  modifiers: string[];
  units: number;
  chargeCents: number;
  dateOfService: string;
  /** 2400 REF*6R line item control number, if we sent one (the 835 echoes it in 2110 REF*6R). */
  lineControl?: string;
}

export type LineMatchHow =
  | 'line_control'
  | 'exact'
  /** Same procedure; the payer dropped (or changed) a modifier. */
  | 'modifiers_differ'
  | 'unmatched';

export interface LineMatch {
  /** Index of the SVC in the 835 claim. */
  serviceIndex: number;
  /** LX01 of the billed line, undefined when nothing matched. */
  lineNumber: number | undefined;
  how: LineMatchHow;
}

/**
 * Match 835 SVC lines to billed lines, each billed line used once. The billed procedure is SVC06
 * when present (the payer changed the code or modifiers), else SVC01. Passes, strongest first:
 * REF*6R line control number; code + same modifier set + date; then code + date with modifiers
 * differing (payers routinely drop modifiers they do not price, e.g. 25 or GT). Charge and date
 * break ties.
 */
export function matchLines(billed: readonly BilledLine[], services: readonly RemitServiceIn[]): LineMatch[] {
  const used = new Set<number>();
  const result: LineMatch[] = services.map((_, i) => ({
    serviceIndex: i,
    lineNumber: undefined,
    how: 'unmatched',
  }));
  const asBilled = (s: RemitServiceIn) => s.submitted ?? { code: s.code, modifiers: s.modifiers };
  const sameSet = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && [...a].sort().join(':') === [...b].sort().join(':');
  const dateOk = (s: RemitServiceIn, b: BilledLine) => !s.date || s.date === b.dateOfService;

  const pass = (how: LineMatchHow, fits: (s: RemitServiceIn, b: BilledLine) => boolean) => {
    services.forEach((s, i) => {
      const r = result[i]!;
      if (r.how !== 'unmatched') return;
      const candidates = billed.filter((b) => !used.has(b.lineNumber) && fits(s, b));
      // Prefer the same charge, then the lowest line number.
      const best =
        candidates.find((b) => b.chargeCents === s.chargeCents) ??
        [...candidates].sort((a, b) => a.lineNumber - b.lineNumber)[0];
      if (!best) return;
      used.add(best.lineNumber);
      r.lineNumber = best.lineNumber;
      r.how = how;
    });
  };

  pass('line_control', (s, b) => {
    const ref = s.refs?.find((r) => r.qualifier === '6R')?.value;
    return ref !== undefined && b.lineControl !== undefined && ref === b.lineControl;
  });
  const exact = (s: RemitServiceIn, b: BilledLine) => {
    const p = asBilled(s);
    return p.code === b.code && sameSet(p.modifiers, b.modifiers) && dateOk(s, b);
  };
  const sameCode = (s: RemitServiceIn, b: BilledLine) => asBilled(s).code === b.code && dateOk(s, b);
  const sameCharge = (s: RemitServiceIn, b: BilledLine) => s.chargeCents === b.chargeCents;
  // SVC02 echoes the billed charge, so code + charge outranks modifiers a payer may have dropped.
  pass('exact', (s, b) => exact(s, b) && sameCharge(s, b));
  pass('modifiers_differ', (s, b) => sameCode(s, b) && sameCharge(s, b));
  pass('exact', exact);
  pass('modifiers_differ', sameCode);
  pass('modifiers_differ', (s, b) => asBilled(s).code === b.code);
  return result;
}

// ------------------------------------------------------------------ posting proposals

/** Our claim as the store knows it, looked up by patient control number. */
export interface BilledClaim {
  claimId: number;
  patientControlNumber: string;
  chargeCents: number;
  lines: BilledLine[];
}

export type LookupClaim = (patientControlNumber: string) => BilledClaim | undefined;

export type PostingOutcome = 'paid' | 'partially_paid' | 'denied' | 'reversal';

export interface AdjustmentOut extends RemitAdjustmentIn {
  kind: AdjustmentKind;
}

/** A denial (or denied part) that becomes a work item in the denial queue. */
export interface DenialItem {
  patientControlNumber: string;
  claimId: number | undefined;
  /** Billed line it concerns; undefined for a claim-level denial. */
  lineNumber: number | undefined;
  procedureCode: string | undefined;
  group: string;
  carc: string;
  amountCents: number;
  category: DenialCategory;
  description: string;
  suggestedAction: string;
  correctedClaimFits: boolean;
  /** LQ*HE / MOA remark codes, passed through. */
  rarcs: { code: string; description?: string }[];
  /** CLP07, needed for a replacement (REF*F8). */
  payerClaimNumber: string | undefined;
}

export interface LinePosting {
  serviceIndex: number;
  lineNumber: number | undefined;
  match: LineMatchHow;
  code: string;
  chargeCents: number;
  paidCents: number;
  patientResponsibilityCents: number;
  adjustments: AdjustmentOut[];
  remarks: string[];
}

export interface PostingProposal {
  patientControlNumber: string;
  /** Our claim, or undefined when CLP01 matches nothing we sent (held for a person). */
  claimId: number | undefined;
  outcome: PostingOutcome;
  /**
   * The claim status to record (ARCHITECTURE.md "Statuses"). A reversal has none: it undoes the
   * earlier posting and the corrected claim that usually follows sets the new status.
   */
  claimStatus: Extract<ClaimStatus, 'paid' | 'partially_paid' | 'denied'> | undefined;
  /** CLP02 as sent. */
  clpStatus: string;
  payerClaimNumber: string | undefined;
  chargeCents: number;
  paidCents: number;
  /** Σ PR: what the patient owes (negative on a reversal). */
  patientResponsibilityCents: number;
  /** Σ contractual (CO-45, CO-253, ...). */
  contractualCents: number;
  /** Σ denial adjustments. */
  deniedCents: number;
  adjustments: AdjustmentOut[];
  lines: LinePosting[];
  denials: DenialItem[];
  /** This claim's reconciliation problems (errors mean: do not post). */
  problems: ReconcileProblem[];
}

export interface PostingPlan {
  /** Check/EFT trace (TRN02), the posting batch key. */
  traceNumber: string;
  paymentCents: number;
  /** BPR16 check issue / EFT effective date and the 1000A payer id, when the 835 gives them. */
  paymentDate?: string;
  payerId?: string;
  /** False when any reconciliation error exists: hold the whole file (issue 5). */
  postable: boolean;
  problems: ReconcileProblem[];
  proposals: PostingProposal[];
  /** PLB items, posted against the practice, not a claim. */
  providerAdjustments: { providerId: string; reason: string; reference?: string; amountCents: number }[];
}

function withKind(adjs: readonly RemitAdjustmentIn[]): AdjustmentOut[] {
  return adjs.map((a) => ({ ...a, kind: adjustmentKind(a.group, a.reason) }));
}

const centsOf = (adjs: readonly AdjustmentOut[], kind: AdjustmentKind) =>
  sum(adjs.filter((a) => a.kind === kind).map((a) => a.amountCents));

/**
 * Turn an 835 into posting proposals, one per CLP. Outcomes: CLP02 22 → reversal; CLP02 4, or
 * nothing paid with denials and nothing moved to the patient → denied; some denial with money
 * paid or owed → partially_paid; otherwise paid (a claim that went wholly to the deductible is
 * paid: it was adjudicated and the patient owes).
 */
export function proposePostings(doc: RemitDocumentIn, lookupClaim: LookupClaim): PostingPlan {
  const problems = reconcile835(doc);
  const proposals = doc.claims.map((clp): PostingProposal => {
    const pcn = clp.patientControlNumber;
    const ours = lookupClaim(pcn);
    const matches = ours ? matchLines(ours.lines, clp.services) : undefined;
    const claimAdj = withKind(clp.adjustments);
    const lines: LinePosting[] = clp.services.map((svc, i) => {
      const adjs = withKind(svc.adjustments);
      const m = matches?.[i];
      return {
        serviceIndex: i,
        lineNumber: m?.lineNumber,
        match: m?.how ?? 'unmatched',
        code: (svc.submitted ?? svc).code,
        chargeCents: svc.chargeCents,
        paidCents: svc.paidCents,
        patientResponsibilityCents: centsOf(adjs, 'patient_responsibility'),
        adjustments: adjs,
        remarks: svc.remarks,
      };
    });
    const all = [...claimAdj, ...lines.flatMap((l) => l.adjustments)];
    const denied = centsOf(all, 'denial');
    const pr = centsOf(all, 'patient_responsibility');
    const reversal = clp.status === '22';

    const denials: DenialItem[] = [];
    if (!reversal) {
      const push = (a: AdjustmentOut, line: LinePosting | undefined, remarks: readonly string[]) => {
        if (a.kind !== 'denial' || a.amountCents <= 0) return;
        const info = classifyCarc(a.reason, remarks);
        denials.push({
          patientControlNumber: pcn,
          claimId: ours?.claimId,
          lineNumber: line?.lineNumber,
          procedureCode: line?.code,
          group: a.group,
          carc: info.code,
          amountCents: a.amountCents,
          category: info.category,
          description: info.description,
          suggestedAction: info.suggestedAction,
          correctedClaimFits: info.correctedClaimFits,
          rarcs: remarks.map(describeRarc),
          payerClaimNumber: clp.payerClaimNumber,
        });
      };
      for (const a of claimAdj) push(a, undefined, clp.remarks);
      for (const l of lines) for (const a of l.adjustments) push(a, l, [...l.remarks, ...clp.remarks]);
    }

    let outcome: PostingOutcome;
    if (reversal) outcome = 'reversal';
    else if (clp.status === '4' || (clp.paidCents === 0 && denied > 0 && pr === 0)) outcome = 'denied';
    else if (denied > 0) outcome = 'partially_paid';
    else outcome = 'paid';

    return {
      patientControlNumber: pcn,
      claimId: ours?.claimId,
      outcome,
      claimStatus: outcome === 'reversal' ? undefined : outcome,
      clpStatus: clp.status,
      payerClaimNumber: clp.payerClaimNumber,
      chargeCents: clp.chargeCents,
      paidCents: clp.paidCents,
      patientResponsibilityCents: pr,
      contractualCents: centsOf(all, 'contractual'),
      deniedCents: denied,
      adjustments: claimAdj,
      lines,
      denials,
      problems: problems.filter((p) => p.patientControlNumber === pcn),
    };
  });
  return {
    traceNumber: doc.trace.number,
    paymentCents: doc.payment.amountCents,
    ...(doc.payment.date ? { paymentDate: doc.payment.date } : {}),
    ...(doc.payer?.id ? { payerId: doc.payer.id } : {}),
    postable: !problems.some((p) => p.severity === 'error'),
    problems,
    proposals,
    providerAdjustments: doc.providerAdjustments.flatMap((p) =>
      p.items.map((i) => ({
        providerId: p.providerId,
        reason: i.reason,
        ...(i.reference !== undefined ? { reference: i.reference } : {}),
        amountCents: i.amountCents,
      })),
    ),
  };
}

// ------------------------------------------------------------------ acknowledgments

export interface TransactionAckStatus {
  /** ST02 of our 837 transaction set (the lead maps it to the claims it carried). */
  controlNumber: string;
  /** Every claim in a rejected set is rejected; an accepted set waits for its 277CA. */
  claimStatus: 'rejected' | undefined;
  accepted: boolean;
  /** Human-readable IK3/IK4 errors, no PHI (segment ids, positions, codes). */
  errors: string[];
}

export interface Ack999Status {
  groupControlNumber: string;
  /** AK9-01 A/E/P: at least part of the group was accepted. */
  groupAccepted: boolean;
  /**
   * AK9-01 R: the whole functional group is rejected (X231A1), so every claim of the batch is,
   * whether or not an AK2 loop names its transaction set.
   */
  groupRejected?: boolean;
  /** AK905..AK909 as text, e.g. "AK905 4: group control numbers in GS and GE do not agree". */
  groupErrors?: string[];
  transactions: TransactionAckStatus[];
}

const IK3_TEXT: Record<string, string> = {
  '1': 'unrecognized segment',
  '2': 'unexpected segment',
  '3': 'mandatory segment missing',
  '4': 'loop occurs over maximum times',
  '5': 'segment exceeds maximum use',
  '6': 'segment not in defined transaction set',
  '7': 'segment not in proper sequence',
  '8': 'segment has data element errors',
};
const IK4_TEXT: Record<string, string> = {
  '1': 'mandatory data element missing',
  '2': 'conditional required data element missing',
  '3': 'too many data elements',
  '4': 'data element too short',
  '5': 'data element too long',
  '6': 'invalid character in data element',
  '7': 'invalid code value',
  '8': 'invalid date',
  '9': 'invalid time',
  '10': 'exclusion condition violated',
};

/** AK905..AK909 functional group syntax error codes (X12 element 716). */
const AK905_TEXT: Record<string, string> = {
  '1': 'functional group not supported',
  '2': 'functional group version not supported',
  '3': 'functional group trailer missing',
  '4': 'group control numbers in the GS and GE do not agree',
  '5': 'number of included transaction sets does not match the actual count',
  '6': 'group control number violates syntax',
  '10': 'authentication key name unknown',
  '11': 'encryption key name unknown',
  '12': 'requested service (authentication or encryption) not available',
  '13': 'unknown security recipient',
  '14': 'unknown security originator',
  '15': 'syntax error in decrypted text',
  '16': 'security not supported',
  '17': 'incorrect message length (encryption only)',
  '18': 'message authentication code failed',
  '19': 'functional group control number not unique within the interchange',
  '23': 'S3E security end segment missing for S3S security start segment',
  '24': 'S3S security start segment missing for S3E security end segment',
  '25': 'S4E security end segment missing for S4S security start segment',
  '26': 'S4S security start segment missing for S4E security end segment',
};

/**
 * What a 999 says about our transaction sets. IK5-01 A (accepted) and E (accepted, errors noted)
 * pass; R, M, W, X reject the set. When IK5 is absent for a set the group's AK9-01 decides.
 */
export function statusFrom999(ack: Ack999In): Ack999Status {
  const groupAccepted = ack.status === 'A' || ack.status === 'E' || ack.status === 'P';
  return {
    groupControlNumber: ack.groupControlNumber,
    groupAccepted,
    groupRejected: ack.status === 'R',
    groupErrors: (ack.groupErrors ?? []).map((c) => `AK905 ${c}: ${AK905_TEXT[c] ?? 'group syntax error'}`),
    transactions: ack.transactions.map((t) => {
      const accepted = t.status === 'A' || t.status === 'E' || (t.status === '' && groupAccepted);
      const errors = t.segmentErrors.flatMap((s) => {
        const where = `${s.segmentId} at position ${s.position}${s.loopId ? ` (loop ${s.loopId})` : ''}`;
        const head = `${where}: ${IK3_TEXT[s.code] ?? `IK3 code ${s.code}`}`;
        return s.elements.length === 0
          ? [head]
          : s.elements.map(
              (e) =>
                `${s.segmentId}${String(e.position).padStart(2, '0')} at position ${s.position}: ${IK4_TEXT[e.code] ?? `IK4 code ${e.code}`}`,
            );
      });
      return {
        controlNumber: t.controlNumber,
        accepted,
        claimStatus: accepted ? undefined : 'rejected',
        errors,
      };
    }),
  };
}

export interface ClaimAckStatus {
  patientControlNumber: string;
  /** undefined: pended or informational (no status change yet). */
  claimStatus: 'accepted' | 'rejected' | undefined;
  payerClaimNumber: string | undefined;
  /** e.g. ['A7:21:85'] (STC01 composites). */
  codes: string[];
  message: string;
}

/** STC01-1 claim status categories (code source 507) that mean "in the payer's hands". */
const ACCEPTED_CATEGORIES = new Set(['A0', 'A1', 'A2', 'A5']);
/** Returned, not found, rejected, or no response possible because of errors. */
const REJECTED_CATEGORIES = new Set(['A3', 'A4', 'A6', 'A7', 'A8', 'E0', 'E1', 'E2', 'E3', 'E4']);

const CATEGORY_TEXT: Record<string, string> = {
  A0: 'forwarded to another entity',
  A1: 'received',
  A2: 'accepted into adjudication',
  A3: 'returned as unprocessable',
  A4: 'not found',
  A5: 'split claim',
  A6: 'rejected for missing information',
  A7: 'rejected for invalid information',
  A8: 'rejected for relational field error',
};

const stcCode = (s: { category: string; status: string; entity?: string }) =>
  [s.category, s.status, s.entity].filter(Boolean).join(':');
const stcText = (s: StcIn) =>
  `${s.category}:${s.status}${CATEGORY_TEXT[s.category] ? ` ${CATEGORY_TEXT[s.category]}` : ''}${s.more?.length ? `, also ${s.more.map(stcCode).join(', ')}` : ''}${s.message ? ` (${s.message})` : ''}`;
const rejects = (statuses: readonly StcIn[]) => statuses.some((s) => REJECTED_CATEGORIES.has(s.category));

/** 2220D lines with their statuses, as text: "line 1 HC:99213:25 (line control LC-1): A7:454 ...". */
function lineText(lines: readonly ServiceAckIn[] | undefined): string[] {
  return (lines ?? [])
    .map((l, i) => {
      if (l.statuses.length === 0) return '';
      const p = l.procedure;
      const what = p ? [p.qualifier, p.code, ...p.modifiers].filter(Boolean).join(':') : '';
      const ctl = l.lineControl ? ` (line control ${l.lineControl})` : '';
      return `line ${i + 1}${what ? ` ${what}` : ''}${ctl}: ${l.statuses.map(stcText).join('; ')}`;
    })
    .filter((t) => t !== '');
}

/**
 * What a 277CA says per claim (2200D STC). Any rejecting category wins over an accepting one
 * in the same loop; a claim-level status absent falls back to the batch (2200B) status. The 2220D
 * service line statuses (which line, and why) are added to the message and codes.
 */
export function statusFrom277CA(ack: Ack277CAIn): ClaimAckStatus[] {
  return ack.claims.map((c) => {
    const statuses = c.statuses.length > 0 ? c.statuses : ack.batchStatuses;
    const categories = statuses.map((s) => s.category);
    const claimStatus = categories.some((k) => REJECTED_CATEGORIES.has(k))
      ? 'rejected'
      : categories.some((k) => ACCEPTED_CATEGORIES.has(k))
        ? 'accepted'
        : undefined;
    const all = (s: StcIn) => [stcCode(s), ...(s.more ?? []).map(stcCode)];
    const codes = [
      ...statuses.flatMap(all),
      ...(c.lines ?? []).flatMap((l, i) => l.statuses.flatMap(all).map((k) => `line${i + 1}:${k}`)),
    ];
    const message = [statuses.map(stcText).join('; '), ...lineText(c.lines)].filter(Boolean).join('; ');
    return {
      patientControlNumber: c.patientControlNumber,
      claimStatus,
      payerClaimNumber: c.payerClaimNumber,
      codes,
      message,
    };
  });
}

/**
 * A 277CA rejection above claim level: X214 2200B (the whole submitted file) or 2200C (one billing
 * provider; "no additional hierarchical levels are sent" for its claims). It covers every claim of
 * that file, or of that provider in it, that the 277CA gives no claim-level status.
 */
export interface WiderRejection {
  scope: 'file' | 'provider';
  /** 2200B TRN02: the BHT03 of our 837 (its ISA13 followed by its ST02). */
  batchReference: string | undefined;
  /** 2100C NM1*85 NM108/NM109 (XX NPI, FI tax id) when scope is 'provider'. */
  provider?: { qualifier: string; id: string };
  /** Claims this 277CA speaks for itself (2200D), which the wider status does not cover. */
  claimsWithStatus: string[];
  codes: string[];
  message: string;
}

export function widerRejectionsFrom277CA(ack: Ack277CAIn): WiderRejection[] {
  const claimsWithStatus = ack.claims.map((c) => c.patientControlNumber);
  const out: WiderRejection[] = [];
  if (rejects(ack.batchStatuses))
    out.push({
      scope: 'file',
      batchReference: ack.batchReference,
      claimsWithStatus,
      codes: ack.batchStatuses.map(stcCode),
      message: ack.batchStatuses.map(stcText).join('; '),
    });
  for (const p of ack.providers ?? [])
    if (rejects(p.statuses))
      out.push({
        scope: 'provider',
        batchReference: ack.batchReference,
        provider: p.provider,
        claimsWithStatus,
        codes: p.statuses.map(stcCode),
        message: p.statuses.map(stcText).join('; '),
      });
  return out;
}

export interface InterchangeAckStatus {
  /** TA101 = batches.isaControl. */
  isaControl: number;
  /** R: every claim of the interchange is rejected; E: accepted, the errors are recorded. */
  status: 'accepted' | 'accepted_with_errors' | 'rejected';
  noteCode: string;
  message: string;
}

/** What a TA1 says about one of our interchanges (TA104 A/E/R, TA105 note code). */
export function statusFromTA1(ack: InterchangeAckIn): InterchangeAckStatus {
  const status = ack.status === 'R' ? 'rejected' : ack.status === 'E' ? 'accepted_with_errors' : 'accepted';
  return {
    isaControl: Number(ack.controlNumber),
    status,
    noteCode: ack.noteCode,
    message: `TA1 ${ack.status} for interchange ${ack.controlNumber}, note ${ack.noteCode}: ${ack.noteText}`,
  };
}
