// Audit vocabulary (issue 6). The hash chain itself lives in appliance/audit/.

export const AUDIT_EVENTS = [
  'ENCOUNTER_RECEIVED',
  'ENCOUNTER_REJECTED',
  'ENCOUNTER_QUARANTINED',
  'CODING_COMPLETED',
  'MANUAL_REVIEW_REQUIRED',
  'SCRUB_PASSED',
  'SCRUB_FAILED',
  'CLAIM_CREATED',
  'CLAIM_READY',
  'BATCH_CREATED',
  'CLAIM_SUBMITTED',
  'CLAIM_ACCEPTED',
  'CLAIM_REJECTED',
  'ERA_RECEIVED',
  'PAYMENT_POSTED',
  'PAYMENT_REVERSED',
  'REMITTANCE_HELD',
  'DENIAL_OPENED',
  'LOGIN',
  'LOGIN_FAILED',
  'PHI_VIEWED',
  'RECORD_CHANGED',
  'CONFIG_CHANGED',
  'CODE_TABLE_CHANGED',
  'EXPORT',
  'POWER_EVENT',
  'ERROR',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export type AuditOutcome = 'success' | 'failure';

/** What a caller supplies; sequence, time and hashes are filled in by the audit log. */
export interface AuditInput {
  event: AuditEvent;
  /** 'service:<stage>' or 'user:<username>'. */
  actor: string;
  entityType?: string;
  entityId?: string;
  /** No PHI: ids, counts, codes, statuses. At most the last 4 of an MRN (mrnLast4). */
  detail?: Record<string, unknown>;
  sourceAddress?: string;
  outcome?: AuditOutcome;
}

/** Last 4 characters of an MRN: the most of it an audit entry may hold. */
export function mrnLast4(mrn: string): string {
  return mrn.slice(-4);
}
