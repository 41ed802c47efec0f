// Typed shapes of the X12 documents claimbox writes and reads (837P/837D, 999, 277CA, 835).
// Money is integer cents everywhere; dates are 'YYYY-MM-DD'. Pure data, no I/O.
import type { Address, Claim, Diagnostic } from '../../appliance/domain/types.js';

/** Delimiters of one interchange (ISA position 3, ISA11, ISA16, the character after ISA16). */
export interface Separators {
  element: string;
  component: string;
  repetition: string;
  /** Segment terminator; may carry a trailing newline for readable files ('~\n'). */
  segment: string;
}

export const DEFAULT_SEPARATORS: Separators = { element: '*', component: ':', repetition: '^', segment: '~' };

/** What every interchange we write needs; control numbers come from the caller (the lead persists them). */
export interface EnvelopeOptions {
  /** ISA06 / GS02 (and 1000A NM109 on an 837). */
  senderId: string;
  /** ISA08 / GS03 (and 1000B NM109 on an 837). */
  receiverId: string;
  /** ISA05 / ISA07 interchange id qualifiers; default 'ZZ' (mutually defined). */
  senderQualifier?: string;
  receiverQualifier?: string;
  /** ISA13 / IEA02, 1..999999999. */
  isaControl: number;
  /** GS06 / GE02. */
  gsControl: number;
  /** ST02 of the first transaction set; later sets count up from it. */
  stStart: number;
  /** ISA15: true → 'T' (test), false → 'P' (production). */
  testMode: boolean;
  separators?: Separators;
  /** ISA09/ISA10, GS04/GS05, BHT04/BHT05 are taken from this instant in UTC. */
  now: Date;
}

export interface SubmitterContact {
  name: string;
  phone?: string;
  email?: string;
}

export interface Envelope837 extends EnvelopeOptions {
  /** 1000B NM103. */
  receiverName: string;
  /** 1000A NM103. */
  submitterName: string;
  /** 1000A PER. */
  submitterContact: SubmitterContact;
  /** Claims per ST/SE transaction set; default 5000 (the 5010 guides' recommended maximum). */
  claimsPerSt?: number;
}

/** One segment as read: `el[0]` is the segment id, `el[n]` is element n (raw, components unsplit). */
export interface Segment {
  el: string[];
  /** 1-based ordinal of the segment in the file (ISA = 1). */
  n: number;
  /** Character offset of the segment's first character. */
  offset: number;
}

/** Everything a reader returns: bad input is data (STYLE.md), never an exception. */
export interface Read<T> {
  value: T | undefined;
  diagnostics: Diagnostic[];
}

/** Interchange and group header facts as read from ISA/GS. */
export interface InterchangeHeader {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA09+ISA10 as 'YYMMDD' 'HHMM'. */
  date: string;
  time: string;
  controlNumber: string;
  testMode: boolean;
  separators: Separators;
  /** GS01 functional identifier (HC 837, FA 999, HN 277, HP 835). */
  functionalId: string;
  gsSender: string;
  gsReceiver: string;
  /** GS04 'CCYYMMDD', GS05 'HHMM[SS]'. */
  gsDate: string;
  gsTime: string;
  gsControl: string;
  /** GS08, e.g. 005010X222A1. */
  version: string;
}

export interface Read837Value {
  kind: 'medical' | 'dental';
  /** Enough to write the same file again (write837(claims, envelope)). */
  envelope: Envelope837;
  claims: Claim[];
}

// ---------------------------------------------------------------- 999 (005010X231A1)

/** IK3-04 segment syntax error codes (1..8, plus I4..I9 in 5010). */
export interface Ack999SegmentError {
  /** IK301 segment id. */
  segmentId: string;
  /** IK302 position of the segment in the transaction set (ST = 1). */
  position: number;
  /** IK303 loop identifier, e.g. 2300. */
  loopId?: string;
  /** IK304 segment syntax error code. */
  code: string;
  /** CTX business unit context (e.g. CLM01), written as CTX*CLM01:<value>. */
  claimRef?: string;
  elements: Ack999ElementError[];
}

export interface Ack999ElementError {
  /** IK401-1 element position in the segment. */
  position: number;
  /** IK401-2 component position within a composite. */
  component?: number;
  /** IK401-3 repetition. */
  repetition?: number;
  /** IK402 data element reference number. */
  elementRef?: string;
  /** IK403 implementation data element syntax error code (1..13, I6..I12). */
  code: string;
  /** IK404 copy of the bad element. */
  badValue?: string;
}

/** IK501 / AK901 codes. */
export type Ack999TxStatus = 'A' | 'E' | 'M' | 'R' | 'W' | 'X';
export type Ack999GroupStatus = 'A' | 'E' | 'P' | 'R';

export interface Ack999Transaction {
  /** AK201 transaction set id, e.g. 837. */
  setId: string;
  /** AK202 ST02 of the acknowledged transaction set. */
  controlNumber: string;
  /** AK203 implementation convention reference, e.g. 005010X222A1. */
  version?: string;
  segmentErrors: Ack999SegmentError[];
  /** IK501. */
  status: Ack999TxStatus;
  /** IK502..IK506 transaction set syntax error codes. */
  codes: string[];
}

export interface Ack999 {
  /** AK101 functional identifier of the acknowledged group (HC for 837). */
  functionalId: string;
  /** AK102 GS06 of the acknowledged group. */
  groupControlNumber: string;
  /** AK103 GS08 of the acknowledged group. */
  groupVersion?: string;
  transactions: Ack999Transaction[];
  /** AK901. */
  status: Ack999GroupStatus;
  /** AK902 sets included, AK903 received, AK904 accepted. */
  included: number;
  received: number;
  accepted: number;
  /** AK905..AK909 functional group syntax error codes. */
  groupErrors: string[];
}

// ---------------------------------------------------------------- 277CA (005010X214)

/** One STC status: STC01 composite (category:status:entity), STC02 date, STC03 action, STC04 amount. */
export interface StcStatus {
  /** STC01-1 health care claim status category code (A1 received, A2 accepted, A3 returned, A4 not found, A6/A7/A8 rejected...). */
  category: string;
  /** STC01-2 health care claim status code (e.g. 20 accepted for processing, 21 missing/invalid info). */
  status: string;
  /** STC01-3 entity identifier code (e.g. 85 billing provider, IL subscriber, QC patient). */
  entity?: string;
  /** STC02 status information effective date. */
  date?: string;
  /** STC03 action code: WQ accept, U reject. */
  action?: string;
  /** STC04 total claim charge amount. */
  amountCents?: number;
  /** STC10 / STC11 further statuses (category:status:entity). */
  more?: { category: string; status: string; entity?: string }[];
  /** STC12 free-form message text. */
  message?: string;
}

export interface ClaimAck277 {
  /** 2200D TRN02: our CLM01 echoed back. */
  patientControlNumber: string;
  /** 2200D REF*1K payer claim control number (when the payer assigned one). */
  payerClaimNumber?: string;
  /** 2200D REF*D9 clearinghouse trace number. */
  clearinghouseTrace?: string;
  statuses: StcStatus[];
  /** Convenience: first STC category is A1/A2 (not A3/A4/A6/A7/A8 ...). */
  accepted: boolean;
  /** Total claim charge (STC04 of the claim-level STC, required there by X214). */
  totalChargeCents?: number;
  /** 2100D NM1*QC patient. */
  patient: { lastName: string; firstName?: string; memberId?: string };
  /** 2200D DTP*472 service date (from, and to when a range). */
  serviceDate?: string;
  serviceDateEnd?: string;
  /** The 2000C billing provider this claim sat under (NM1*85 NM103 / NM109). */
  billingProviderNpi?: string;
  billingProviderName?: string;
  /** Segment number of the patient HL, for messages. */
  segment?: number;
}

export interface Ack277CA {
  /** BHT03 reference. */
  reference: string;
  /** 2200B TRN02: the BHT03 of the 837 this acknowledges (the submitted file); BHT03 when absent. */
  batchReference?: string;
  /** BHT04 creation date. */
  createdDate: string;
  /** 2100A NM1*PR information source (payer or clearinghouse). */
  source: { name: string; id?: string };
  /** 2100B NM1*41 information receiver (the submitter). */
  receiver: { name: string; id?: string };
  /** 2200A DTP*050 received date, DTP*009 process date. */
  receivedDate?: string;
  processDate?: string;
  /** 2200B STC at the receiver level (batch acceptance). */
  batchStatuses: StcStatus[];
  /** 2200B QTY*90 accepted count / QTY*AA rejected count; AMT*YU / AMT*YY amounts. */
  acceptedQuantity?: number;
  rejectedQuantity?: number;
  acceptedAmountCents?: number;
  rejectedAmountCents?: number;
  claims: ClaimAck277[];
}

// ---------------------------------------------------------------- 835 (005010X221A1)

export type CasGroup = 'CO' | 'PR' | 'OA' | 'PI' | 'CR';

export interface CasAdjustment {
  group: CasGroup;
  /** CARC, e.g. 45, 1, 2, 3, 16, 197. */
  reason: string;
  amountCents: number;
  quantity?: number;
}

export interface RemitService {
  /** SVC01-1 product/service id qualifier: HC, AD, NU, ... */
  qualifier: string;
  code: string;
  modifiers: string[];
  chargeCents: number;
  paidCents: number;
  /** SVC04 NUBC revenue code. */
  revenueCode?: string;
  /** SVC05 paid units. */
  units?: number;
  /** SVC06: the billed procedure when the payer adjudicated a different one (or dropped a modifier). */
  submitted?: { qualifier: string; code: string; modifiers: string[] };
  /** SVC07 original units billed. */
  submittedUnits?: number;
  /** DTM*472 (or 150/151) service dates. */
  date?: string;
  dateEnd?: string;
  adjustments: CasAdjustment[];
  /** REF segments (6R line item control number, ...). */
  refs: { qualifier: string; value: string }[];
  /** AMT segments (B6 allowed, ...). */
  amounts: { qualifier: string; cents: number }[];
  /** LQ*HE remittance advice remark codes. */
  remarks: string[];
}

/** CLP02 claim status codes (REFERENCE.md). */
export type ClaimStatusCode = '1' | '2' | '3' | '4' | '19' | '20' | '21' | '22' | '23' | '25';

export interface RemitClaim {
  /** CLP01: our CLM01. */
  patientControlNumber: string;
  /** CLP02, see ClaimStatusCode (payers send others too). */
  status: string;
  chargeCents: number;
  paidCents: number;
  /** CLP05 patient responsibility. */
  patientResponsibilityCents?: number;
  /** CLP06 claim filing indicator. */
  filingIndicator?: string;
  /** CLP07 payer claim control number. */
  payerClaimNumber?: string;
  /** CLP08 facility type (POS for professional), CLP09 frequency. */
  facilityType?: string;
  frequency?: string;
  adjustments: CasAdjustment[];
  patient?: { lastName: string; firstName?: string; memberId?: string };
  insured?: { lastName: string; firstName?: string; memberId?: string };
  correctedInsured?: { lastName: string; firstName?: string; memberId?: string };
  renderingNpi?: string;
  refs: { qualifier: string; value: string }[];
  /** DTM 232/233 statement period, 050 received, 036 coverage expiration. */
  dates: { qualifier: string; date: string }[];
  amounts: { qualifier: string; cents: number }[];
  /** MOA remark codes (MOA03..MOA07), when present. */
  remarks: string[];
  services: RemitService[];
  /** LX header number this claim sat under. */
  header?: number;
  segment?: number;
}

export interface ProviderAdjustment {
  /** PLB01 provider identifier (NPI or TIN), PLB02 fiscal period date. */
  providerId: string;
  fiscalPeriodDate: string;
  /** PLB03.. composite (reason:reference) and amount pairs; positive amount reduces the payment. */
  items: { reason: string; reference?: string; amountCents: number }[];
}

export interface Remit835 {
  payment: {
    /** BPR01 transaction handling: C payment+remit, H remit only, I information, P prenotification, U, X. */
    handling: string;
    /** BPR02 total actual provider payment. */
    amountCents: number;
    /** BPR03 C credit / D debit. */
    creditDebit: string;
    /** BPR04 ACH, CHK, BOP, FWT, NON. */
    method: string;
    /** BPR16 check issue or EFT effective date. */
    date: string;
  };
  /** TRN02 check or EFT trace number, TRN03 payer id (1 + TIN). */
  trace: { number: string; originatorId: string };
  /** DTM*405 production date. */
  productionDate?: string;
  /** 1000A N1*PR (N104 / REF*2U payer id), N3/N4 address, PER*BL technical contact (required by the guide). */
  payer: {
    name: string;
    id?: string;
    address?: Address;
    technicalContact?: { name?: string; phone?: string; email?: string; url?: string };
  };
  /** 1000B N1*PE with XX NPI; REF*TJ tax id. */
  payee: { name: string; npi?: string; taxId?: string; address?: Address };
  claims: RemitClaim[];
  providerAdjustments: ProviderAdjustment[];
}

/** What validateX12 returns. */
export interface ValidationResult {
  ok: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}
