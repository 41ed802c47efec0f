// Read models for the admin page, the API, health and the demo summary. No PHI leaves here unless
// the caller asked for an encounter's detail (and audits PHI_VIEWED).
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Store } from './open.js';
import { encounters, claims, workItems, batches, inboundMessages, auditLog } from './schema.js';
import type { EncounterInput } from '../domain/types.js';

export interface EncounterSummary {
  id: number;
  visitNumber: string;
  version: number;
  kind: string;
  dateOfService: string;
  status: string;
  /** Initials and last 4 of the MRN: enough for staff to recognise, little to leak. */
  patientLabel: string;
  lastError: string | null;
  parked: boolean;
  receivedAt: number;
}

export function listEncounters(
  store: Store,
  opts: { status?: string; limit?: number; offset?: number } = {},
) {
  const where: SQL[] = [sql`${encounters.supersededBy} IS NULL`];
  if (opts.status) where.push(eq(encounters.status, opts.status));
  const rows = store.db
    .select({
      id: encounters.id,
      visitNumber: encounters.visitNumber,
      version: encounters.version,
      kind: encounters.kind,
      dateOfService: encounters.dateOfService,
      status: encounters.status,
      input: encounters.input,
      lastError: encounters.lastError,
      parkedAt: encounters.parkedAt,
      receivedAt: encounters.receivedAt,
    })
    .from(encounters)
    .where(and(...where))
    .orderBy(desc(encounters.id))
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0)
    .all();
  return rows.map((r): EncounterSummary => {
    const p = (r.input as EncounterInput).patient;
    return {
      id: r.id,
      visitNumber: r.visitNumber,
      version: r.version,
      kind: r.kind,
      dateOfService: r.dateOfService,
      status: r.status,
      patientLabel: `${p.firstName.slice(0, 1)}.${p.lastName.slice(0, 1)}. …${p.mrn.slice(-4)}`,
      lastError: r.lastError,
      parked: r.parkedAt !== null,
      receivedAt: r.receivedAt,
    };
  });
}

export function getEncounter(store: Store, id: number) {
  return store.db.select().from(encounters).where(eq(encounters.id, id)).get();
}

export function listClaims(store: Store, opts: { status?: string; limit?: number; offset?: number } = {}) {
  return store.db
    .select({
      id: claims.id,
      pcn: claims.pcn,
      encounterId: claims.encounterId,
      kind: claims.kind,
      status: claims.status,
      frequency: claims.frequency,
      payerId: claims.payerId,
      totalChargeCents: claims.totalChargeCents,
      paidCents: claims.paidCents,
      patientRespCents: claims.patientRespCents,
      lastError: claims.lastError,
      updatedAt: claims.updatedAt,
    })
    .from(claims)
    .where(opts.status ? eq(claims.status, opts.status) : undefined)
    .orderBy(desc(claims.id))
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0)
    .all();
}

export function getClaim(store: Store, id: number) {
  return store.db.select().from(claims).where(eq(claims.id, id)).get();
}

export function listWorkItems(store: Store, opts: { kind?: string; status?: string; limit?: number } = {}) {
  const where: SQL[] = [];
  if (opts.kind) where.push(eq(workItems.kind, opts.kind));
  if (opts.status) where.push(eq(workItems.status, opts.status));
  return store.db
    .select()
    .from(workItems)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(workItems.id))
    .limit(opts.limit ?? 200)
    .all();
}

export function listBatches(store: Store, limit = 50) {
  return store.db
    .select({
      id: batches.id,
      fileName: batches.fileName,
      status: batches.status,
      claimCount: batches.claimCount,
      testMode: batches.testMode,
      attempts: batches.attempts,
      lastError: batches.lastError,
      createdAt: batches.createdAt,
      sentAt: batches.sentAt,
    })
    .from(batches)
    .orderBy(desc(batches.id))
    .limit(limit)
    .all();
}

export function countsByStatus(store: Store): {
  encounters: Record<string, number>;
  claims: Record<string, number>;
} {
  const enc = store.sqlite
    .prepare('SELECT status, count(*) n FROM encounters WHERE superseded_by IS NULL GROUP BY status')
    .all() as { status: string; n: number }[];
  const cl = store.sqlite.prepare('SELECT status, count(*) n FROM claims GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  return {
    encounters: Object.fromEntries(enc.map((r) => [r.status, r.n])),
    claims: Object.fromEntries(cl.map((r) => [r.status, r.n])),
  };
}

/** Items waiting for the pipeline (not parked, not waiting for a person) and the oldest one's age. */
export function backlog(store: Store, now: number): { items: number; oldestAgeMs: number; parked: number } {
  const r = store.sqlite
    .prepare(
      `SELECT
         (SELECT count(*) FROM encounters WHERE status IN ('received','coded','scrubbed') AND superseded_by IS NULL AND parked_at IS NULL AND finalized_at > 0) +
         (SELECT count(*) FROM claims WHERE status IN ('draft','ready') AND parked_at IS NULL) AS items,
         min(
           coalesce((SELECT min(received_at) FROM encounters WHERE status IN ('received','coded','scrubbed') AND superseded_by IS NULL AND parked_at IS NULL AND finalized_at > 0), 9e15),
           coalesce((SELECT min(draft_at) FROM claims WHERE status IN ('draft','ready') AND parked_at IS NULL), 9e15)
         ) AS oldest,
         (SELECT count(*) FROM encounters WHERE parked_at IS NOT NULL AND status NOT IN ('needs_review','claimed')) +
         (SELECT count(*) FROM claims WHERE parked_at IS NOT NULL AND status IN ('draft','ready')) AS parked`,
    )
    .get() as { items: number; oldest: number; parked: number };
  return {
    items: r.items,
    oldestAgeMs: r.oldest >= 9e15 ? 0 : Math.max(0, now - r.oldest),
    parked: r.parked,
  };
}

export function lastInboundAt(store: Store): number | undefined {
  return store.db
    .select({ at: inboundMessages.receivedAt })
    .from(inboundMessages)
    .orderBy(desc(inboundMessages.id))
    .limit(1)
    .get()?.at;
}

export function auditHead(store: Store): { seq: number; hash: string } | undefined {
  return store.db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1)
    .get();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface LagStat {
  stage: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Lag of each stage from the status timestamps (every transition is timestamped). */
export function stageLags(store: Store, sinceMs = 0): LagStat[] {
  const pairs: [string, string][] = [
    [
      'finalized → received',
      `SELECT e.received_at - e.finalized_at FROM encounters e WHERE e.finalized_at > 0 AND e.received_at >= ?`,
    ],
    [
      'received → coded',
      `SELECT e.coded_at - e.received_at FROM encounters e WHERE e.coded_at IS NOT NULL AND e.received_at >= ?`,
    ],
    [
      'coded → scrubbed',
      `SELECT e.scrubbed_at - e.coded_at FROM encounters e WHERE e.scrubbed_at IS NOT NULL AND e.coded_at IS NOT NULL AND e.received_at >= ?`,
    ],
    [
      'scrubbed → claimed',
      `SELECT e.claimed_at - e.scrubbed_at FROM encounters e WHERE e.claimed_at IS NOT NULL AND e.received_at >= ?`,
    ],
    [
      'ready → submitted',
      `SELECT c.submitted_at - c.ready_at FROM claims c WHERE c.submitted_at IS NOT NULL AND c.draft_at >= ?`,
    ],
    [
      'submitted → accepted',
      `SELECT c.accepted_at - c.submitted_at FROM claims c WHERE c.accepted_at IS NOT NULL AND c.draft_at >= ?`,
    ],
    [
      'finalized → accepted',
      `SELECT c.accepted_at - e.finalized_at FROM claims c JOIN encounters e ON e.id = c.encounter_id WHERE c.accepted_at IS NOT NULL AND e.finalized_at > 0 AND c.draft_at >= ?`,
    ],
    [
      'accepted → paid',
      `SELECT coalesce(c.paid_at, c.denied_at) - c.accepted_at FROM claims c WHERE coalesce(c.paid_at, c.denied_at) IS NOT NULL AND c.accepted_at IS NOT NULL AND c.draft_at >= ?`,
    ],
  ];
  return pairs.map(([stage, q]) => {
    const vals = (store.sqlite.prepare(q).pluck().all(sinceMs) as number[]).sort((a, b) => a - b);
    return {
      stage,
      count: vals.length,
      p50Ms: percentile(vals, 50),
      p95Ms: percentile(vals, 95),
      p99Ms: percentile(vals, 99),
    };
  });
}
