// The few interfaces the core needs from outside. Integrations implement them; main.ts wires them.
import type { EncounterInput, CodedEncounter, Claim, ReviewReason } from './domain/types.js';
import type { AuditInput } from './domain/audit.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

// ------------------------------------------------------------------ intake

export type IntakeChannel = 'mllp' | 'file' | 'sftp' | 'api' | 'rest' | 'cli';

/**
 * One inbound message as a channel hands it to the core: the raw bytes (kept for replay) plus what
 * the HL7/JSON layer made of them. Exactly one of encounter / finalizes / quarantine / ignore is set.
 */
export interface InboundEnvelope {
  channel: IntakeChannel;
  /** Who sent it: MSH-3^MSH-4 for HL7, the API client or poller name otherwise. */
  sender: string;
  /** MSH-10 message control id (dedupe key with sender). */
  controlId?: string;
  /** e.g. 'DFT^P03'. */
  messageType?: string;
  raw: Buffer;
  /** A finalized (or, with awaitingFinal, charge-only) encounter. */
  encounter?: EncounterInput;
  /** The profile says final comes from a later MDM: keep the encounter but do not code it yet. */
  awaitingFinal?: boolean;
  /** MDM^T02/T04 with TXA-17 AU/LA: the note for this visit is final. */
  finalizes?: { sourceSystem: string; visitNumber: string; finalizedAt: string };
  /** It parsed but cannot be used: stored in quarantine with this reason (HL7 AE). */
  quarantine?: { code: string; reason: string };
  /** Understood but not ours to act on (e.g. an ADT): stored and acknowledged. */
  ignore?: string;
}

export type IntakeStatus = 'accepted' | 'duplicate' | 'quarantined' | 'ignored';

export interface IntakeResult {
  status: IntakeStatus;
  inboundId: number;
  encounterId?: number;
  reason?: string;
}

/**
 * The durable door. The promise resolves only after the message is committed to disk
 * (synchronous=FULL): a channel ACKs (MLLP AA, file archive, SFTP remote delete) only after that.
 * Calls made close together are group-committed in one transaction.
 */
export interface IntakeSink {
  accept(envelope: InboundEnvelope, hint?: AcceptHint): Promise<IntakeResult>;
}

/** What a channel knows about the traffic around one message, for group commit. */
export interface AcceptHint {
  /**
   * Other producers (MLLP connections) busy right now, each likely to hand in a message within a
   * moment: the sink may hold the commit very briefly so they share one transaction and one fsync.
   */
  peers?: number;
}

// ------------------------------------------------------------------ code sets (in-memory lookups)

export interface Icd10Entry {
  code: string;
  billable: boolean;
  description: string;
}

export interface PtpEdit {
  column1: string;
  column2: string;
  /** 0 never bypassed, 1 bypassed by an NCCI modifier, 9 not applicable (deleted edit). */
  modifierIndicator: '0' | '1' | '9';
}

export interface MueEntry {
  value: number;
  /** 1 per line, 2 per day (policy), 3 per day (clinical). */
  adjudicationIndicator: '1' | '2' | '3';
}

/** Official code sets, loaded once into memory and refreshed on import. All lookups are by DOS. */
export interface CodeSets {
  /** False when no ICD-10-CM file has been imported: validity checks then warn instead of fail. */
  hasIcd10(): boolean;
  icd10(code: string, dateOfService: string): Icd10Entry | undefined;
  /** Billable codes one level below `code` (for "unspecified: more specific codes exist"). */
  icd10Children(code: string, dateOfService: string): string[];
  ptp(column1: string, column2: string, dateOfService: string): PtpEdit | undefined;
  mue(code: string, dateOfService: string): MueEntry | undefined;
  /** Primary codes an add-on code needs (one of them on the same claim); undefined if not an add-on. */
  addonPrimaries(code: string): string[] | undefined;
  /** True when the code exists in any imported ICD-10-CM release (tells "inactive on this date" from "never existed"). */
  icd10Exists?(code: string): boolean;
  /** False when no NCCI PTP file has been imported (then a 59/X modifier cannot be judged). */
  hasPtp?(): boolean;
  /** False when no HCPCS Level II file has been imported. */
  hasHcpcs?(): boolean;
  /** A HCPCS Level II code valid on the date of service (added on or before it, not terminated). */
  hcpcs?(code: string, dateOfService: string): { code: string; description: string } | undefined;
}

// ------------------------------------------------------------------ clearinghouse

/** TA1: an interchange acknowledgment (ISA, TA1, IEA with no functional group). */
export type RemoteKind = '999' | '277CA' | '835' | 'TA1' | 'other';

/** A document the clearinghouse made available (a response, an acknowledgment, an ERA). */
export interface RemoteDocument {
  /** Stable id at the clearinghouse: ResponseID, eraid, or the remote file name. */
  remoteId: string;
  kind: RemoteKind;
  fileName?: string;
  content: string;
}

export interface UploadResult {
  /** The clearinghouse's id for the upload (fileid / remote file name). */
  remoteId?: string;
  /** Immediate per-file answer if the transport gives one (Claim.MD upload reply). */
  messages?: string[];
}

/**
 * One interface, three implementations (sandbox, REST, SFTP). Errors are ClaimboxError with a
 * class: transient (retry with backoff), ambiguous (an upload that may or may not have landed:
 * never blindly resend), permanent (park for a person).
 */
export interface ClearinghouseTransport {
  readonly name: 'sandbox' | 'rest' | 'sftp';
  upload(file: { fileName: string; content: string }): Promise<UploadResult>;
  /** Was a file of this name already received? Resolves ambiguous uploads; undefined if unknown. */
  wasUploaded?(fileName: string): Promise<boolean | undefined>;
  /** Documents not yet acknowledged by `confirm`, oldest first. */
  fetch(): Promise<RemoteDocument[]>;
  /** Called after a fetched document is stored durably: advance the cursor, delete/archive remotely. */
  confirm(doc: RemoteDocument): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Persisted cursors (last_responseid, ERA cursor, REST poller since/page token). */
export interface CursorStore {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

// ------------------------------------------------------------------ health

export type HealthStatus = 'ok' | 'degraded' | 'critical';

export interface CheckResult {
  /** Stable id, e.g. 'database', 'disk', 'ups.battery'. */
  name: string;
  status: HealthStatus;
  value?: number | string | boolean | null;
  /** Human-readable threshold, e.g. '< 15% free degraded, < 5% critical'. */
  threshold?: string;
  unit?: string;
  /** No PHI. */
  message: string;
}

/** Something that contributes checks to /health; refreshed in the background, never per request. */
export interface HealthSource {
  readonly name: string;
  check(): Promise<CheckResult[]>;
}

/** The submission hold switch (people and the power policy). */
export interface HoldSwitch {
  isHeld(): boolean;
  set(reason: string, held: boolean): void;
  reasons(): string[];
}

// ------------------------------------------------------------------ pipeline state (implemented in appliance/store)

/** How a failing item is retried: exponential backoff with jitter, then parked. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

export interface ItemFailure {
  id: number;
  code: string;
  errorClass: 'transient' | 'ambiguous' | 'permanent';
  message: string;
}

export interface EncounterWork {
  id: number;
  patientId: number;
  input: EncounterInput;
  version: number;
  finalizedAt: number;
  coded?: CodedEncounter;
}

export interface CodingOutcome {
  id: number;
  coded: CodedEncounter;
}

/** A claim built and scrubbed for an encounter; findings with severity 'error' hold it. */
export interface DraftClaim {
  claim: Claim;
  findings: {
    ruleId: string;
    severity: 'error' | 'warning';
    message: string;
    fix: string;
    field?: string;
    line?: number;
  }[];
}

export interface ScrubOutcome {
  id: number;
  drafts: DraftClaim[];
  /** Non-empty: the encounter goes to needs_review instead. */
  review: ReviewReason[];
  /** The claim this encounter's claim replaces (a changed encounter whose claim went out). */
  replaces?: { claimId: number; payerClaimNumber: string };
}

export interface ClaimWork {
  id: number;
  encounterId: number;
  pcn: string;
  claim: Claim;
  payerId: string;
}

export interface BatchWork {
  id: number;
  fileName: string;
  content: string;
  status: string;
  attempts: number;
  claimIds: number[];
}

/** The durable state the stages read and write; every write method is one transaction + audit. */
export interface PipelineStore {
  /** Work for a stage: due (next_attempt_at ≤ now), not parked, oldest first. */
  encountersIn(status: 'received' | 'coded' | 'scrubbed', limit: number, now: number): EncounterWork[];
  saveCoding(outcomes: CodingOutcome[], now: number): void;
  saveScrub(outcomes: ScrubOutcome[], now: number): void;
  /** Draft claims without scrub errors, ready to be promoted. */
  draftClaims(limit: number, now: number): ClaimWork[];
  promoteClaims(ids: number[], now: number): void;
  readyClaims(limit: number): ClaimWork[];
  /** A charge like this one was already billed or is waiting (other visits only). */
  hasOtherCharge(key: {
    patientId: number;
    dateOfService: string;
    code: string;
    pos: string;
    npi: string;
    encounterId: number;
  }): boolean;
  /** Sent claim for an earlier version of the same visit (for replacement claims). */
  priorSentClaim(encounterId: number): { claimId: number; payerClaimNumber: string } | undefined;
  failEncounters(failures: ItemFailure[], policy: RetryPolicy, now: number): void;
  failClaims(failures: ItemFailure[], policy: RetryPolicy, now: number): void;
  audit(entries: AuditInput[], now: number): void;
}

/** The outbox (batches of 837s) and its claims. */
export interface SubmissionStore {
  /** Ready claims that are in no live batch. */
  unbatchedReadyClaims(limit: number): ClaimWork[];
  /**
   * In one transaction: allocate never-reused ISA13/GS06/ST02 control numbers, build the file with
   * them, and record the batch (pending) with its claims. Retries resend these exact bytes.
   */
  createBatch(
    claimIds: number[],
    meta: { transport: string; testMode: boolean },
    build: (controls: { isaControl: number; gsControl: number; stStart: number; batchId: number }) => {
      fileName: string;
      content: string;
      stControls: string[];
    },
    now: number,
  ): BatchWork;
  dueBatches(now: number, limit: number): BatchWork[];
  markSending(id: number, now: number): void;
  markSent(id: number, remoteId: string | undefined, now: number): void;
  /** transient → pending with backoff; ambiguous → 'ambiguous' (never blindly resent); permanent → 'parked'. */
  failBatch(id: number, failure: ItemFailure, policy: RetryPolicy, now: number): void;
  ambiguousBatches(): BatchWork[];
  /** An ambiguous batch proved not received: resend the same bytes. */
  requeueBatch(id: number, now: number): void;
  /** At start: a batch left 'sending' by a crash may or may not have arrived → ambiguous. */
  recoverInterrupted(now: number): number;
  lastBatchAt(): number | undefined;
}
