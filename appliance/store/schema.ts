// The one drizzle schema. Instants are integer epoch milliseconds (UTC); dates of service are
// 'YYYY-MM-DD' text; money is integer cents. JSON columns hold documents the core owns as types.
// Migrations are generated from this file with `npm run db:generate` and committed.
import { sqliteTable, text, integer, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

/** Retry bookkeeping every pipeline item carries: retried with backoff, then parked with its error. */
const retryColumns = {
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull().default(0),
  lastError: text('last_error'),
  parkedAt: integer('parked_at'),
};

// ---------------------------------------------------------------- intake
// inbound_messages, patients and encounters are written by the intake commit, the one an MLLP ACK
// waits for, so they carry only what that commit needs: plain INTEGER PRIMARY KEYs (AUTOINCREMENT
// rewrites the sqlite_sequence page in every commit; no code deletes these rows, so ids never repeat)
// and no index that only a rare job reads (pruning walks by id, see store/intake.ts).
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    id: integer('id').primaryKey(),
    channel: text('channel').notNull(), // mllp | file | sftp | api | rest | cli
    sender: text('sender').notNull(), // MSH-3^MSH-4, or the API client
    controlId: text('control_id'), // MSH-10
    contentHash: text('content_hash').notNull(), // sha256 of the normalized content
    messageType: text('message_type'), // e.g. DFT^P03
    raw: blob('raw', { mode: 'buffer' }).notNull(),
    receivedAt: integer('received_at').notNull(),
    status: text('status').notNull(), // accepted | duplicate | quarantined | rejected | ignored
    reason: text('reason'),
    encounterId: integer('encounter_id'),
  },
  (t) => [
    uniqueIndex('inbound_sender_control').on(t.sender, t.controlId),
    index('inbound_hash').on(t.contentHash),
  ],
);

/** A "note finalized" signal (MDM^T02/T04) keyed by visit; it may arrive before or after the charges. */
export const finalizations = sqliteTable(
  'finalizations',
  {
    sourceSystem: text('source_system').notNull(),
    visitNumber: text('visit_number').notNull(),
    finalizedAt: integer('finalized_at').notNull(),
    inboundId: integer('inbound_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceSystem, t.visitNumber] })],
);

// ---------------------------------------------------------------- parties
export const patients = sqliteTable('patients', {
  id: integer('id').primaryKey(),
  mrn: text('mrn').notNull().unique(),
  data: text('data', { mode: 'json' }).notNull(), // Patient (PHI)
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const payers = sqliteTable('payers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  payerId: text('payer_id').notNull().unique(),
  name: text('name').notNull(),
  timelyFilingDays: integer('timely_filing_days').notNull().default(365),
  filingIndicator: text('filing_indicator').notNull().default('CI'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
});

export const providers = sqliteTable('providers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  npi: text('npi').notNull().unique(),
  lastName: text('last_name').notNull(),
  firstName: text('first_name'),
  taxonomy: text('taxonomy'),
});

export const coverages = sqliteTable(
  'coverages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    patientId: integer('patient_id').notNull(),
    encounterId: integer('encounter_id').notNull(),
    ord: integer('ord').notNull(),
    payerId: text('payer_id').notNull(),
    memberId: text('member_id').notNull(),
    data: text('data', { mode: 'json' }).notNull(), // Coverage
  },
  (t) => [index('coverage_encounter').on(t.encounterId)],
);

// ---------------------------------------------------------------- encounters
export const encounters = sqliteTable(
  'encounters',
  {
    id: integer('id').primaryKey(),
    sourceSystem: text('source_system').notNull(),
    visitNumber: text('visit_number').notNull(),
    version: integer('version').notNull().default(1),
    /** A newer version of the same visit replaced this one. */
    supersededBy: integer('superseded_by'),
    kind: text('kind').notNull(), // medical | dental
    patientId: integer('patient_id').notNull(),
    inboundId: integer('inbound_id'),
    dateOfService: text('date_of_service').notNull(),
    status: text('status').notNull(), // EncounterStatus
    input: text('input', { mode: 'json' }).notNull(), // EncounterInput (PHI)
    coded: text('coded', { mode: 'json' }), // CodedEncounter
    review: text('review', { mode: 'json' }), // ReviewReason[]
    scrub: text('scrub', { mode: 'json' }), // scrub findings
    /** The claim for an earlier version went out: a corrected claim (frequency 7) is due. */
    correctionNeeded: integer('correction_needed', { mode: 'boolean' }).notNull().default(false),
    finalizedAt: integer('finalized_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    codedAt: integer('coded_at'),
    needsReviewAt: integer('needs_review_at'),
    scrubbedAt: integer('scrubbed_at'),
    claimedAt: integer('claimed_at'),
    updatedAt: integer('updated_at').notNull(),
    ...retryColumns,
  },
  (t) => [
    uniqueIndex('encounter_visit_version').on(t.sourceSystem, t.visitNumber, t.version),
    index('encounter_status').on(t.status, t.nextAttemptAt),
  ],
);

export const diagnoses = sqliteTable(
  'diagnoses',
  {
    encounterId: integer('encounter_id').notNull(),
    seq: integer('seq').notNull(),
    code: text('code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.encounterId, t.seq] })],
);

export const chargeItems = sqliteTable(
  'charge_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    encounterId: integer('encounter_id').notNull(),
    patientId: integer('patient_id').notNull(),
    dateOfService: text('date_of_service').notNull(),
    code: text('code').notNull(),
    modifiers: text('modifiers').notNull().default(''), // colon-joined
    units: integer('units').notNull(),
    chargeCents: integer('charge_cents').notNull(),
    placeOfService: text('place_of_service').notNull(),
    renderingNpi: text('rendering_npi').notNull(),
    authorization: text('authorization'),
    diagnosisPointers: text('diagnosis_pointers').notNull().default(''), // colon-joined
    tooth: text('tooth'),
    surfaces: text('surfaces'),
    area: text('area'),
    status: text('status').notNull().default('open'), // open | held_duplicate | billed | void
    claimId: integer('claim_id'),
  },
  (t) => [
    index('charge_encounter').on(t.encounterId),
    index('charge_dup').on(t.patientId, t.dateOfService, t.code),
  ],
);

// ---------------------------------------------------------------- claims
export const claims = sqliteTable(
  'claims',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 2300 CLM01, echoed in 835 CLP01. */
    pcn: text('pcn').notNull().unique(),
    encounterId: integer('encounter_id').notNull(),
    patientId: integer('patient_id').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(), // ClaimStatus
    frequency: text('frequency').notNull().default('1'),
    /** The claim this one replaces or voids. */
    originalClaimId: integer('original_claim_id'),
    /** Payer claim control number from the 835 (CLP07) or 277CA. */
    payerClaimNumber: text('payer_claim_number'),
    payerId: text('payer_id').notNull(),
    totalChargeCents: integer('total_charge_cents').notNull(),
    paidCents: integer('paid_cents').notNull().default(0),
    patientRespCents: integer('patient_resp_cents').notNull().default(0),
    document: text('document', { mode: 'json' }).notNull(), // Claim
    scrub: text('scrub', { mode: 'json' }),
    clearinghouseClaimId: text('clearinghouse_claim_id'),
    draftAt: integer('draft_at').notNull(),
    readyAt: integer('ready_at'),
    submittedAt: integer('submitted_at'),
    acceptedAt: integer('accepted_at'),
    rejectedAt: integer('rejected_at'),
    paidAt: integer('paid_at'),
    deniedAt: integer('denied_at'),
    closedAt: integer('closed_at'), // void / replaced
    updatedAt: integer('updated_at').notNull(),
    ...retryColumns,
  },
  (t) => [index('claim_status').on(t.status, t.nextAttemptAt), index('claim_encounter').on(t.encounterId)],
);

export const claimLines = sqliteTable(
  'claim_lines',
  {
    claimId: integer('claim_id').notNull(),
    lineNumber: integer('line_number').notNull(),
    code: text('code').notNull(),
    modifiers: text('modifiers').notNull().default(''),
    units: integer('units').notNull(),
    chargeCents: integer('charge_cents').notNull(),
    paidCents: integer('paid_cents').notNull().default(0),
    dateOfService: text('date_of_service').notNull(),
  },
  (t) => [primaryKey({ columns: [t.claimId, t.lineNumber] })],
);

/** Persisted, never-reused counters: ISA13, GS06, ST02, pcn, batch file names. */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

// ---------------------------------------------------------------- submission
export const batches = sqliteTable(
  'batches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transport: text('transport').notNull(), // sandbox | rest | sftp
    isaControl: integer('isa_control').notNull().unique(),
    gsControl: integer('gs_control').notNull(),
    fileName: text('file_name').notNull().unique(),
    content: text('content').notNull(), // the 837 as sent (retries resend these exact bytes)
    claimCount: integer('claim_count').notNull(),
    testMode: integer('test_mode', { mode: 'boolean' }).notNull(),
    // pending | sending | sent | accepted | rejected | ambiguous
    status: text('status').notNull(),
    remoteId: text('remote_id'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    ackAt: integer('ack_at'),
    ...retryColumns,
  },
  (t) => [index('batch_status').on(t.status, t.nextAttemptAt)],
);

export const batchClaims = sqliteTable(
  'batch_claims',
  {
    batchId: integer('batch_id').notNull(),
    claimId: integer('claim_id').notNull(),
    stControl: text('st_control').notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.claimId] }), index('batch_claims_claim').on(t.claimId)],
);

export const clearinghouseResponses = sqliteTable(
  'clearinghouse_responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transport: text('transport').notNull(),
    remoteId: text('remote_id').notNull(), // ResponseID / eraid / remote file name
    kind: text('kind').notNull(), // 999 | 277CA | 835 | json
    content: text('content').notNull(),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
    status: text('status').notNull().default('new'), // new | processed | held | error
    error: text('error'),
    ...retryColumns,
  },
  (t) => [
    uniqueIndex('response_remote').on(t.transport, t.kind, t.remoteId),
    index('response_status').on(t.status),
  ],
);

// ---------------------------------------------------------------- remittance
export const remittances = sqliteTable('remittances', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  responseId: integer('response_id').notNull(),
  payerId: text('payer_id'),
  checkNumber: text('check_number').notNull(), // TRN02
  paymentCents: integer('payment_cents').notNull(), // BPR02
  paymentDate: text('payment_date'),
  // held (does not reconcile) | proposed (awaiting approval) | posted | rejected
  status: text('status').notNull(),
  problems: text('problems', { mode: 'json' }),
  receivedAt: integer('received_at').notNull(),
  approvedBy: text('approved_by'),
  postedAt: integer('posted_at'),
});

export const remittanceClaims = sqliteTable(
  'remittance_claims',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    remittanceId: integer('remittance_id').notNull(),
    claimId: integer('claim_id'), // null when CLP01 matches nothing of ours
    pcn: text('pcn').notNull(),
    statusCode: text('status_code').notNull(), // CLP02
    chargeCents: integer('charge_cents').notNull(),
    paidCents: integer('paid_cents').notNull(),
    patientRespCents: integer('patient_resp_cents').notNull(),
    payerClaimNumber: text('payer_claim_number'),
    postedAt: integer('posted_at'),
  },
  (t) => [index('remit_claim_claim').on(t.claimId), index('remit_claim_remit').on(t.remittanceId)],
);

/** What an 835 paid on each billed line (2110 SVC03), applied to claim_lines only when posted. */
export const remittanceLines = sqliteTable(
  'remittance_lines',
  {
    remittanceClaimId: integer('remittance_claim_id').notNull(),
    lineNumber: integer('line_number').notNull(),
    paidCents: integer('paid_cents').notNull(),
  },
  (t) => [index('remit_lines_rc').on(t.remittanceClaimId)],
);

export const adjustments = sqliteTable(
  'adjustments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    remittanceClaimId: integer('remittance_claim_id').notNull(),
    lineNumber: integer('line_number'), // null: claim-level CAS
    groupCode: text('group_code').notNull(), // CO PR OA PI CR
    reasonCode: text('reason_code').notNull(), // CARC
    amountCents: integer('amount_cents').notNull(),
    units: integer('units'),
    remarkCodes: text('remark_codes'), // RARC, colon-joined
  },
  (t) => [index('adjust_rc').on(t.remittanceClaimId)],
);

// ---------------------------------------------------------------- people's work
export const workItems = sqliteTable(
  'work_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(), // review | denial | duplicate_hold | reconcile
    entityType: text('entity_type').notNull(),
    entityId: integer('entity_id').notNull(),
    category: text('category'), // CARC category for denials
    reasons: text('reasons', { mode: 'json' }).notNull(),
    suggestedAction: text('suggested_action'),
    assignee: text('assignee'),
    status: text('status').notNull().default('open'), // open | in_progress | done
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('work_open').on(t.kind, t.status)],
);

// ---------------------------------------------------------------- audit (append-only; triggers in migrations)
export const auditLog = sqliteTable('audit_log', {
  seq: integer('seq').primaryKey(),
  ts: integer('ts').notNull(),
  actor: text('actor').notNull(),
  event: text('event').notNull(),
  entityType: text('entity_type'),
  entityId: text('entity_id'),
  detail: text('detail').notNull(), // canonical JSON, no PHI
  source: text('source'),
  outcome: text('outcome').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  seq: integer('seq').primaryKey(),
  headHash: text('head_hash').notNull(),
  ts: integer('ts').notNull(),
  signature: text('signature').notNull(),
  keyId: text('key_id').notNull(),
});

// ---------------------------------------------------------------- people and settings
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull().default('biller'), // admin | biller | viewer
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
});

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Persisted cursors: REST poller since/page token, clearinghouse last_responseid, ERA cursor. */
export const cursors = sqliteTable('cursors', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

// ---------------------------------------------------------------- code tables (practice-editable, versioned)
export const codeTables = sqliteTable(
  'code_tables',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** proc_map | dx_map | em_rules | payer_rules | fee_schedule | cdt_rules | ... */
    tableName: text('table_name').notNull(),
    key: text('key').notNull(),
    value: text('value', { mode: 'json' }).notNull(),
    effectiveFrom: text('effective_from').notNull().default('0000-01-01'),
    effectiveTo: text('effective_to'), // exclusive; null = open
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('code_table_key').on(t.tableName, t.key)],
);

// ---------------------------------------------------------------- official code sets
export const icd10Codes = sqliteTable(
  'icd10_codes',
  {
    code: text('code').notNull(), // no dot
    billable: integer('billable', { mode: 'boolean' }).notNull(),
    shortDesc: text('short_desc').notNull(),
    longDesc: text('long_desc').notNull(),
    effectiveFrom: text('effective_from').notNull(),
    effectiveTo: text('effective_to'), // exclusive
  },
  (t) => [primaryKey({ columns: [t.code, t.effectiveFrom] })],
);

export const hcpcsCodes = sqliteTable(
  'hcpcs_codes',
  {
    code: text('code').notNull(),
    shortDesc: text('short_desc').notNull(),
    longDesc: text('long_desc').notNull(),
    addDate: text('add_date'),
    termDate: text('term_date'),
    effectiveFrom: text('effective_from').notNull(),
  },
  (t) => [primaryKey({ columns: [t.code, t.effectiveFrom] })],
);

export const ncciPtp = sqliteTable(
  'ncci_ptp',
  {
    column1: text('column1').notNull(),
    column2: text('column2').notNull(),
    effectiveDate: text('effective_date').notNull(),
    deletionDate: text('deletion_date'), // null = '*'
    modifierIndicator: text('modifier_indicator').notNull(), // 0 | 1 | 9
  },
  (t) => [primaryKey({ columns: [t.column1, t.column2, t.effectiveDate] })],
);

export const mueValues = sqliteTable(
  'mue_values',
  {
    code: text('code').notNull(),
    value: integer('value').notNull(),
    adjudicationIndicator: text('adjudication_indicator').notNull(), // 1 | 2 | 3
    effectiveFrom: text('effective_from').notNull(),
    effectiveTo: text('effective_to'),
  },
  (t) => [primaryKey({ columns: [t.code, t.effectiveFrom] })],
);

export const addonCodes = sqliteTable(
  'addon_codes',
  {
    addon: text('addon').notNull(),
    primary: text('primary_code').notNull(),
    aocType: text('aoc_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.addon, t.primary] })],
);

/** What was imported, when, from which file (the codes' effective period). */
export const codeSetImports = sqliteTable('code_set_imports', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  kind: text('kind').notNull(),
  fileName: text('file_name').notNull(),
  effectiveFrom: text('effective_from').notNull(),
  effectiveTo: text('effective_to'),
  rows: integer('rows').notNull(),
  importedAt: integer('imported_at').notNull(),
});

// ---------------------------------------------------------------- ops
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(), // condition id, e.g. ups.on_battery
    severity: text('severity').notNull(),
    message: text('message').notNull(),
    startedAt: integer('started_at').notNull(),
    clearedAt: integer('cleared_at'),
  },
  (t) => [index('alert_open').on(t.key, t.clearedAt)],
);
